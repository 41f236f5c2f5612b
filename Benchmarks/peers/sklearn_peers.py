#!/usr/bin/env python3
"""The peers on the real scikit-learn tasks of Benchmarks/sklearn/tasks.py: Optuna's TPE, GPSampler and CMA-ES,
and HEBO; one result file per (peer, task) in the schema of ../shared/bench/results, for `orion benchmark table`.

    /tmp/orion-peers-venv/bin/python Benchmarks/peers/sklearn_peers.py --peers tpe,gp,cmaes --seeds 0-4 --out DIR
    /tmp/hebo-venv/bin/python Benchmarks/peers/sklearn_peers.py --peers hebo --seeds 0-1 --out DIR \\
        --task-python /tmp/orion-peers-venv/bin/python
    (... --seeds 1 --add-seeds: add seed 1's run to the files that seed 0's command wrote)

Each run gets a fresh sampler seeded with the run's seed and the same budget as `orion benchmark run`. The tasks
are evaluated in process (`tasks.evaluate`), or, with --task-python, by one `tasks.py --serve` process of that
interpreter per run (HEBO's virtualenv pins an old scikit-learn, so its runs evaluate with the same scikit-learn
as everyone else's). The spaces are read from tasks.py's Oríon priors: loguniform -> a log-scaled float (an int
with discrete=True), uniform -> a float (an int with discrete=True, bounds included), choices -> categorical.
`wall_s` is the whole optimization loop, evaluations included, not the interpreter's start.
"""
import argparse
import ast
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import warnings

for _name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ.setdefault(_name, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
TASKS_SCRIPT = os.path.join(os.path.dirname(HERE), "sklearn", "tasks.py")
sys.path.insert(0, os.path.dirname(TASKS_SCRIPT))

import tasks  # noqa: E402

PEERS = {
    "tpe": ("optuna", "tpe", "TPESampler(seed=seed) (Optuna 5 defaults: multivariate, n_startup_trials=10)"),
    "gp": ("optuna", "gp", "GPSampler(seed=seed) (defaults: n_startup_trials=10; torch CPU, 1 thread)"),
    "cmaes": ("optuna", "cmaes", "CmaEsSampler(seed=seed) (defaults; categorical dims by the independent sampler)"),
    "hebo": ("hebo", "default", "HEBO(space, rand_sample=10, model_name='gp', scramble_seed=seed), n_suggestions=1"),
}


def parse_prior(text):
    """An Oríon prior string -> (kind, arguments): ('float'|'int', low, high, log) or ('categorical', choices)."""
    match = re.fullmatch(r"\s*(\w+)\((.*)\)\s*", text)
    if not match:
        raise ValueError(f"cannot read prior {text!r}")
    name, body = match.groups()
    call = ast.parse(f"f({body})", mode="eval").body
    args = [ast.literal_eval(arg) for arg in call.args]
    keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    if name == "choices":
        return ("categorical", list(args[0]))
    if name not in ("uniform", "loguniform"):
        raise ValueError(f"prior {text!r}: only uniform, loguniform and choices are read")
    kind = "int" if keywords.get("discrete") else "float"
    return (kind, args[0], args[1], name == "loguniform")


def dimensions(task):
    spec = tasks.TASKS[task]
    return [(name, parse_prior(spec["priors"][name])) for name in spec["order"]]


class ServedTasks:
    """`tasks.py --serve` run by another interpreter, one request per evaluation."""

    def __init__(self, python):
        self.process = subprocess.Popen(
            [python, TASKS_SCRIPT, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def evaluate(self, task, params):
        self.process.stdin.write(json.dumps({"task": task, "params": params}) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["value"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class InProcessTasks:
    def evaluate(self, task, params):
        return tasks.evaluate(task, params)

    def close(self):
        pass


def native(value):
    """A JSON-ready Python value (numpy scalars to int/float/bool/str)."""
    if hasattr(value, "item"):
        value = value.item()
    return value


def run_optuna(peer, task, seed, budget, evaluator):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    samplers = optuna.samplers
    sampler = {
        "tpe": lambda: samplers.TPESampler(seed=seed),
        "gp": lambda: samplers.GPSampler(seed=seed),
        "cmaes": lambda: samplers.CmaEsSampler(seed=seed),
    }[peer]()
    dims = dimensions(task)
    values, points = [], []

    def objective(trial):
        params = {}
        for name, prior in dims:
            if prior[0] == "categorical":
                params[name] = trial.suggest_categorical(name, prior[1])
            elif prior[0] == "int":
                params[name] = trial.suggest_int(name, int(prior[1]), int(prior[2]), log=prior[3])
            else:
                params[name] = trial.suggest_float(name, float(prior[1]), float(prior[2]), log=prior[3])
        value = evaluator.evaluate(task, params)
        values.append(value)
        points.append(params)
        return value

    study = optuna.create_study(direction="minimize", sampler=sampler)
    start = time.perf_counter()
    study.optimize(objective, n_trials=budget)
    return values, points, time.perf_counter() - start


def run_hebo(task, seed, budget, evaluator):
    import numpy as np
    import torch
    from hebo.design_space.design_space import DesignSpace
    from hebo.optimizers.hebo import HEBO

    torch.set_num_threads(1)
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    dims = dimensions(task)
    design = []
    for name, prior in dims:
        if prior[0] == "categorical":
            # HEBO's categories are strings; booleans are mapped back below.
            design.append({"name": name, "type": "cat", "categories": [str(c) for c in prior[1]]})
        elif prior[0] == "int":
            design.append({"name": name, "type": "pow_int" if prior[3] else "int", "lb": prior[1], "ub": prior[2]})
        else:
            design.append({"name": name, "type": "pow" if prior[3] else "num", "lb": prior[1], "ub": prior[2]})
    optimizer = HEBO(DesignSpace().parse(design), rand_sample=10, model_name="gp", scramble_seed=seed)
    values, points = [], []
    start = time.perf_counter()
    for _ in range(budget):
        suggestion = optimizer.suggest(n_suggestions=1)
        params = {}
        for name, prior in dims:
            value = native(suggestion[name].values[0])
            if prior[0] == "categorical":
                value = {str(c): c for c in prior[1]}[str(value)]
            elif prior[0] == "int":
                value = int(round(value))
            else:
                value = float(value)
            params[name] = value
        value = evaluator.evaluate(task, params)
        optimizer.observe(suggestion, np.array([[value]]))
        values.append(value)
        points.append(params)
    return values, points, time.perf_counter() - start


def versions():
    found = {"python": platform.python_version()}
    for module in ["optuna", "hebo", "numpy", "scipy", "sklearn", "torch"]:
        try:
            found[module] = getattr(__import__(module), "__version__", "?")
        except Exception:  # noqa: BLE001 - optional packages
            pass
    return found


def seeds_of(text):
    seeds = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += [s for s in range(int(low), int(high or low) + 1) if s not in seeds]
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peers", default="tpe,gp,cmaes", help="comma list of " + ", ".join(PEERS))
    parser.add_argument("--tasks", default=",".join(tasks.TASKS), help="comma list (default: all)")
    parser.add_argument("--seeds", default="0-4", help="0-4, 0,3 or both")
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--out", required=True, help="directory of the result files")
    parser.add_argument("--task-python", help="evaluate through `tasks.py --serve` run by this interpreter")
    parser.add_argument("--add-seeds", action="store_true",
                        help="keep the runs of other seeds already in the result file (seeds run one command each)")
    options = parser.parse_args()
    warnings.filterwarnings("ignore")
    os.makedirs(options.out, exist_ok=True)
    for peer in options.peers.split(","):
        framework, algorithm, notes = PEERS[peer]
        for task in options.tasks.split(","):
            path = os.path.join(options.out, f"{framework}_{algorithm}_{task}.json")
            earlier = None
            if options.add_seeds and os.path.exists(path):
                with open(path) as handle:
                    earlier = json.load(handle)
                if earlier.get("budget") != options.budget:
                    sys.exit(f"{path}: budget {earlier.get('budget')}, not {options.budget}: cannot add seeds to it")
            runs = []
            for seed in seeds_of(options.seeds):
                evaluator = ServedTasks(options.task_python) if options.task_python else InProcessTasks()
                try:
                    if peer == "hebo":
                        values, points, wall = run_hebo(task, seed, options.budget, evaluator)
                    else:
                        values, points, wall = run_optuna(peer, task, seed, options.budget, evaluator)
                finally:
                    evaluator.close()
                best, best_so_far = float("inf"), []
                for value in values:
                    best = min(best, value)
                    best_so_far.append(best)
                index = values.index(min(values))
                runs.append({"seed": seed, "wall_s": wall, "values": values, "best_so_far": best_so_far,
                             "best_params": points[index], "n_trials": len(values)})
                print(f"{framework}/{algorithm} {task} seed {seed}: best {best:.6g} in {wall:.1f} s",
                      file=sys.stderr, flush=True)
            document = {
                "framework": framework, "algorithm": algorithm, "problem": task,
                "optimum": tasks.TASKS[task]["reference"], "budget": options.budget,
                "seeds": [run["seed"] for run in runs], "versions": versions(),
                "host": {"cpus": os.cpu_count(), "machine": platform.machine()},
                "notes": notes + ("; evaluated by tasks.py --serve" if options.task_python else "; tasks.evaluate"),
                "written_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "runs": runs,
            }
            if earlier:
                kept = [run for run in earlier["runs"] if run["seed"] not in set(document["seeds"])]
                runs = sorted(kept + runs, key=lambda run: run["seed"])
                document["runs"], document["seeds"] = runs, [run["seed"] for run in runs]
            with open(path + ".tmp", "w") as handle:
                json.dump(document, handle)
            os.replace(path + ".tmp", path)
            print(f"wrote {path}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
