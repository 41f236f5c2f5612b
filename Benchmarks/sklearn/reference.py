#!/usr/bin/env python3
"""The reference value of each scikit-learn task: the best value any run in the given result directories found.

    python3 Benchmarks/sklearn/reference.py RESULTS_DIR [RESULTS_DIR...]

Prints, per task, the smallest value of every run of every result file (ours and the peers'), which
configuration and seed found it, and its parameters; these are the `reference` values committed in tasks.py and
SklearnTasks.swift (see docs/benchmarking.md, "Real scikit-learn tasks").
"""
import glob
import json
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    best = {}
    for directory in sys.argv[1:]:
        for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
            with open(path) as handle:
                document = json.load(handle)
            problem = document.get("problem", "")
            if not problem.startswith("sk_") or "runs" not in document:
                continue
            label = f"{document['framework']}/{document['algorithm']}"
            for run in document["runs"]:
                values = [v for v in run["values"] if v is not None]
                if values and (problem not in best or min(values) < best[problem][0]):
                    best[problem] = (min(values), label, run["seed"], run.get("best_params"))
    for problem in sorted(best):
        value, label, seed, params = best[problem]
        print(f"{problem}: {value!r} ({label}, seed {seed}) {json.dumps(params)}")


if __name__ == "__main__":
    main()
