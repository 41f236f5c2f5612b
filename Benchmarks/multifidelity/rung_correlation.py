#!/usr/bin/env python3
"""How well a low fidelity ranks configurations as the full fidelity does: draws configurations from a multi-fidelity
task's priors, evaluates each at the rungs 1, 3, 9 and 27 epochs, and prints the Spearman rank correlation of each
rung with the last, and how often the rung's best third holds the best configuration at 27 epochs. Successive
halving keeps the best third of each rung, so this is what it can gain.

    /tmp/orion-0.2.7-venv/bin/python Benchmarks/multifidelity/rung_correlation.py --task mlp_digits --configs 40

mlp_digits trains each configuration once, continuing from its checkpoint from rung to rung (the same model as
from scratch); learning_curve uses the formula of Benchmarks/peers/multifidelity_orion.py, noise included.
"""
import argparse
import math
import os
import sys
import tempfile

import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
RUNGS = (1, 3, 9, 27)


def draw(task, rng):
    """One configuration from the task's priors (those of MultiFidelityTasks in OrionBenchmark)."""
    if task == "learning_curve":
        return {"lr": 10 ** rng.uniform(-4, 0), "momentum": rng.uniform(0, 1), "dropout": rng.uniform(0, 1)}
    return {
        "lr": 10 ** rng.uniform(-4, 0),
        "momentum": rng.uniform(0, 0.99),
        "alpha": 10 ** rng.uniform(-6, 0),
        "batch_size": int(round(math.exp(rng.uniform(math.log(8), math.log(512))))),
    }


def values(task, config, seed):
    """The objective at each rung."""
    if task == "learning_curve":
        sys.path.insert(0, os.path.join(HERE, "..", "peers"))
        from multifidelity_orion import learning_curve

        return [learning_curve(dict(config, epochs=rung), seed)[0] for rung in RUNGS]
    sys.path.insert(0, HERE)
    from mlp_digits import train

    results, parent = [], None
    with tempfile.TemporaryDirectory() as scratch:
        for rung in RUNGS:
            directory = os.path.join(scratch, str(rung))
            os.makedirs(directory)
            result = train(config["lr"], config["momentum"], config["alpha"], config["batch_size"], rung, seed,
                           directory, parent)
            results.append(result["objective"])
            parent = directory
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="mlp_digits", choices=["mlp_digits", "learning_curve"])
    parser.add_argument("--configs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0, help="the draws' seed and the task's seed")
    options = parser.parse_args()
    rng = np.random.RandomState(options.seed)
    table = np.array([values(options.task, draw(options.task, rng), options.seed) for _ in range(options.configs)])
    final = table[:, -1]
    best = int(np.argmin(final))
    print(f"{options.task}: {options.configs} configurations, seed {options.seed}; final value: best"
          f" {final.min():.4g}, median {np.median(final):.4g}")
    good = final <= np.quantile(final, 0.25)
    for index, rung in enumerate(RUNGS[:-1]):
        rho = spearmanr(table[:, index], final).correlation
        local = spearmanr(table[good, index], final[good]).correlation
        kept = np.argsort(table[:, index])[: max(1, options.configs // 3)]
        print(f"rung {rung:>2} vs 27: Spearman {rho:.2f} (among the best quarter at 27: {local:.2f}); the best at 27 is in the rung's best third:"
              f" {'yes' if best in kept else 'no'}; rung's best third, median final value"
              f" {np.median(final[kept]):.4g}")


if __name__ == "__main__":
    main()
