#!/usr/bin/env python3
"""Oríon 0.2.7's ASHA and Hyperband (and random) on the tasks of `orion benchmark mf-run`, with the same budget
rule, written in the same mf_<framework>_<algorithm>_<task>.json schema (framework "orion") so that
`orion benchmark mf-table` compares them side by side.

    /tmp/orion-0.2.7-venv/bin/python Benchmarks/peers/multifidelity_orion.py --algorithms asha,hyperband \
        --tasks learning_curve --seeds 0-4 --out mf-results

Each run: orion.client.build_experiment (ephemeraldb, algorithm {name: {seed: seed}}), then a sequential
suggest/observe loop; a trial whose fidelity would take the total past the budget (random's trials x 27 epochs)
is released and ends the run. learning_curve is the formula of Sources/OrionBenchmark/MultiFidelity/LearningCurve.swift (same
noise); sgd_digits and mlp_digits call `train` of Benchmarks/multifidelity/<task>.py in process (the values are
those the script reports). mlp_digits gets a working directory per trial (in a scratch directory deleted after the
run) and, for a trial with a parent (a promotion), the parent's, so it continues from the parent's checkpoint as
with `orion hunt`; the epochs each trial paid that way are recorded as `paid` (the budget is counted from scratch,
Oríon's convention). Incumbent and regret are computed by mf-table from the recorded trials.

With --workers N (N > 1), N workers are simulated as `orion benchmark mf-run --workers` does (SimulatedWorkers.swift):
a trial lasts as many time units as its epochs; a free worker asks for a trial at once while the others' trials are
reserved, and waits for the next result when Oríon answers WaitingForTrials (its Hyperband waits for a rung to
complete); results are observed in finishing order (ties: the earlier started first); each trial's finishing time
is recorded as `times`, and the file is mf_orion_<algorithm>_<task>_w<N>.json.
"""
import argparse
import datetime
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_FIDELITY = 27.0
TASKS = {
    "learning_curve": {
        "space": {
            "lr": "loguniform(1e-4, 1, precision=None)",
            "momentum": "uniform(0, 1, precision=None)",
            "dropout": "uniform(0, 1, precision=None)",
            "epochs": "fidelity(1, 27, base=3)",
        },
        "optimum": 0.1,
        "random_trials": 20,
    },
    "sgd_digits": {
        "space": {
            "alpha": "loguniform(1e-6, 1, precision=None)",
            "eta0": "loguniform(1e-5, 1, precision=None)",
            "l1_ratio": "uniform(0, 1, precision=None)",
            "epochs": "fidelity(1, 27, base=3)",
        },
        "optimum": 0.0,
        "random_trials": 9,
    },
    "mlp_digits": {
        "space": {
            "lr": "loguniform(1e-4, 1, precision=None)",
            "momentum": "uniform(0, 0.99, precision=None)",
            "alpha": "loguniform(1e-6, 1, precision=None)",
            "batch_size": "loguniform(8, 512, discrete=True)",
            "epochs": "fidelity(1, 27, base=3)",
        },
        "optimum": 0.0,
        "random_trials": 20,
    },
}


def learning_curve(params, seed):
    """(observed, noise-free) value of the synthetic learning curve; see LearningCurve.swift."""
    u = (math.log10(params["lr"]) + 4) / 4
    m, d, e = params["momentum"], params["dropout"], float(params["epochs"])
    asymptote = 0.1 + 0.8 * (u - 0.6) * (u - 0.6) + 0.3 * (m - 0.8) * (m - 0.8) + 0.2 * (d - 0.3) * (d - 0.3)
    rate = (0.2 + 2 * u) * (0.7 + 0.5 * m)
    clean = asymptote + math.exp(-rate * e / 4)
    scaled = math.sin(12.9898 * u + 78.233 * m + 37.719 * d + 4.581 * e + 1.618 * seed) * 43758.5453
    return clean + 0.01 * (2 * (scaled - math.floor(scaled)) - 1), clean


def sgd_digits(params, seed, working_dir, parent_working_dir):
    sys.path.insert(0, os.path.join(HERE, "..", "multifidelity"))
    from sgd_digits import train

    value = train(params["alpha"], params["eta0"], params["l1_ratio"], params["epochs"], seed)
    return value, value, None


def mlp_digits(params, seed, working_dir, parent_working_dir):
    sys.path.insert(0, os.path.join(HERE, "..", "multifidelity"))
    from mlp_digits import train

    result = train(
        params["lr"], params["momentum"], params["alpha"], params["batch_size"], params["epochs"], seed,
        working_dir, parent_working_dir,
    )
    return result["objective"], result["objective"], result["trained_epochs"]


def run_one(algorithm, task, seed, budget, workers=1):
    from orion.client import build_experiment

    spec = TASKS[task]
    evaluate = {"learning_curve": lambda params, seed, *_: learning_curve(params, seed) + (None,),
                "sgd_digits": sgd_digits, "mlp_digits": mlp_digits}[task]
    scratch = tempfile.mkdtemp(prefix="orion027-mf-")
    experiment = build_experiment(
        name=f"mf_{algorithm}_{task}_{seed}",
        space=spec["space"],
        algorithm={algorithm: {"seed": seed}},
        max_trials=100000,
        storage={"type": "legacy", "database": {"type": "ephemeraldb"}},
    )
    start = time.perf_counter()
    run = run_simulated(experiment, evaluate, spec, seed, budget, workers, scratch)
    run["wall_s"] = time.perf_counter() - start
    if workers == 1:
        del run["times"]  # one worker's clock is the fidelity spent
    experiment.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return run


def run_simulated(experiment, evaluate, spec, seed, budget, workers, scratch):
    """The trials of one run made by `workers` simulated workers (see the module's docstring); with one worker,
    each trial is suggested, evaluated and observed in turn."""
    from orion.core.utils.exceptions import CompletedExperiment, ReservationRaceCondition, WaitingForTrials

    fidelities, paid, values, regrets, times, completed = [], [], [], [], [], {}
    running = []  # [finish, order, trial, cost, value, clean, trained]
    now, spent, starting, order = 0.0, 0.0, True, 0
    while True:
        while starting and len(running) < workers:
            try:
                trial = experiment.suggest()
            except (WaitingForTrials, ReservationRaceCondition):
                break
            except CompletedExperiment:
                starting = False
                break
            if trial is None:
                break
            params = dict(trial.params)
            cost = float(params["epochs"])
            if spent + cost > budget + 1e-9:
                experiment.release(trial)
                starting = False
                break
            working_dir = os.path.join(scratch, trial.id)
            os.makedirs(working_dir, exist_ok=True)
            parent = trial.parent if trial.parent in completed else None
            value, clean, trained = evaluate(params, seed, working_dir, parent and os.path.join(scratch, parent))
            if trained is None:
                trained = cost - completed[parent] if parent and completed[parent] <= cost else cost
            spent += cost
            running.append([now + cost, order, trial, cost, value, clean, float(trained)])
            order += 1
        if not running:
            break
        done = min(running, key=lambda entry: (entry[0], entry[1]))
        running.remove(done)
        now, _, trial, cost, value, clean, trained = done
        experiment.observe(trial, [{"name": "objective", "type": "objective", "value": value}])
        completed[trial.id] = cost
        fidelities.append(cost)
        paid.append(trained)
        values.append(value)
        regrets.append(clean - spec["optimum"] if cost >= MAX_FIDELITY - 1e-9 else None)
        times.append(now)
    return {"seed": seed, "fidelities": fidelities, "paid": paid, "values": values, "regrets": regrets,
            "times": times}


def write(out, algorithm, task, budget, runs, workers=1):
    """Writes the runs so far as mf_orion_<algorithm>_<task>.json; returns its path."""
    import orion

    result = {
        "framework": "orion",
        "algorithm": algorithm,
        "task": task,
        "optimum": TASKS[task]["optimum"],
        "max_fidelity": MAX_FIDELITY,
        "budget": budget,
        "seeds": [run["seed"] for run in runs],
        "notes": f"orion {orion.core.__version__} {algorithm} {{seed: seed}}; ephemeraldb; "
                 + ("sequential suggest/observe" if workers == 1 else
                    f"{workers} simulated workers (a trial lasts its epochs, results in finishing order)")
                 + "; a trial that would pass the budget is not run",
        "written_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "runs": runs,
    }
    if workers > 1:
        result["workers"] = workers
    suffix = f"_w{workers}" if workers > 1 else ""
    path = os.path.join(out, f"mf_orion_{algorithm}_{task}{suffix}.json")
    with open(path, "w") as handle:
        json.dump(result, handle, sort_keys=True)
    return path


def seeds_of(text):
    seeds = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += list(range(int(low), int(high or low) + 1))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--algorithms", default="asha,hyperband")
    parser.add_argument("--tasks", default="learning_curve")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--random-trials", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1, help="simulated workers (see the module's docstring)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    warnings.filterwarnings("ignore")
    logging.getLogger("orion").setLevel(logging.ERROR)
    import orion

    os.makedirs(args.out, exist_ok=True)
    for task in args.tasks.split(","):
        budget = (args.random_trials or TASKS[task]["random_trials"]) * MAX_FIDELITY
        for algorithm in args.algorithms.split(","):
            runs = []
            for seed in seeds_of(args.seeds):
                runs.append(run_one(algorithm, task, seed, budget, args.workers))
                print(f"orion {algorithm} {task} seed {seed}: {len(runs[-1]['values'])} trials,"
                      f" {runs[-1]['wall_s']:.1f} s", file=sys.stderr)
                # after each seed: a long run keeps its seeds
                path = write(args.out, algorithm, task, budget, runs, args.workers)
            print(path)


if __name__ == "__main__":
    main()
