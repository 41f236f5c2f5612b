#!/usr/bin/env python3
"""Per-trial overhead of the peers, measured the way OrionBenchmarks measures ours: a no-op objective, the
framework's own work only (suggest + register + reserve + complete), on an SQLite file.

    /tmp/orion-peers-venv/bin/python Benchmarks/peers/overhead.py [--trials 1000] [--orion-trials 200]

Optuna: ask/tell with RandomSampler on RDB storage (sqlite). Oríon 0.2.7: ExperimentClient suggest/observe with
random search on PickledDB (its default storage; it has no SQLite backend).
"""
import argparse
import os
import statistics
import tempfile
import time


def summarize(label, samples):
    ms = sorted(s * 1000 for s in samples)
    p90 = ms[int((len(ms) - 1) * 0.9)]
    return f"{label}: mean {statistics.fmean(ms):.3f} ms, median {ms[len(ms) // 2]:.3f} ms, p90 {p90:.3f} ms per trial"


def optuna_overhead(trials, directory, in_memory=False):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = None if in_memory else f"sqlite:///{directory}/optuna.db"
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
    dists = {"x": optuna.distributions.FloatDistribution(-5, 10), "y": optuna.distributions.FloatDistribution(-5, 10)}
    samples = []
    for _ in range(trials):
        start = time.perf_counter()
        trial = study.ask(dists)
        study.tell(trial, 0.0)
        samples.append(time.perf_counter() - start)
    return samples


def orion_overhead(trials, directory):
    from orion.client import build_experiment

    storage = {"type": "legacy", "database": {"type": "pickleddb", "host": f"{directory}/orion.pkl"}}
    experiment = build_experiment(
        "overhead",
        space={"x": "uniform(-5, 10)", "y": "uniform(-5, 10)"},
        algorithm={"random": {"seed": 1}},
        max_trials=trials,
        storage=storage,
    )
    samples = []
    for _ in range(trials):
        start = time.perf_counter()
        trial = experiment.suggest()
        experiment.observe(trial, 0.0, name="objective")
        samples.append(time.perf_counter() - start)
    return samples


def orion_hunt(trials, directory, noop):
    """Wall time of Oríon's own `orion hunt` on noop.sh (PickledDB in `directory`)."""
    import subprocess
    import sys

    orion = os.path.join(os.path.dirname(sys.executable), "orion")
    env = dict(os.environ, ORION_DB_ADDRESS=f"{directory}/hunt.pkl", ORION_DB_TYPE="pickleddb")
    start = time.perf_counter()
    subprocess.run(
        [orion, "hunt", "-n", "noop", "--exp-max-trials", str(trials), noop, "-x~uniform(0, 1)"],
        env=env, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--orion-trials", type=int, default=200)
    parser.add_argument("--hunt-trials", type=int, default=50)
    parser.add_argument("--noop", default=os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures/noop.sh"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        samples = optuna_overhead(args.trials, directory)
        print(f"optuna 5.0 ask/tell, RandomSampler, sqlite, {len(samples)} trials")
        print("    " + summarize("trials 1-100", samples[:100]))
        if len(samples) >= 1000:
            print("    " + summarize("trials 900-1000", samples[899:1000]))
        print("    " + summarize("all", samples))
        samples = optuna_overhead(args.trials, directory, in_memory=True)
        print(f"optuna 5.0 ask/tell, RandomSampler, in memory, {len(samples)} trials")
        print("    " + summarize("trials 1-100", samples[:100]))
        if len(samples) >= 1000:
            print("    " + summarize("trials 900-1000", samples[899:1000]))
    with tempfile.TemporaryDirectory() as directory:
        try:
            samples = orion_overhead(args.orion_trials, directory)
        except ImportError as error:
            print(f"orion 0.2.7 skipped: {error}")
            return
        print(f"orion 0.2.7 suggest/observe, random, pickleddb, {len(samples)} trials")
        print("    " + summarize("trials 1-100", samples[:100]))
        print("    " + summarize("all", samples))
    with tempfile.TemporaryDirectory() as directory:
        seconds = orion_hunt(args.hunt_trials, directory, os.path.abspath(args.noop))
        print(f"orion 0.2.7 hunt, {args.hunt_trials} trials of noop.sh: {seconds:.2f} s "
              f"({seconds * 1000 / args.hunt_trials:.1f} ms per trial)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
