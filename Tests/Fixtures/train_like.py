#!/usr/bin/env python3
"""Looks like a training script: long options, a learning rate on a log scale, an optimizer, a number of layers,
a dropout rate and a number of epochs (a fidelity); writes a checkpoint in its working directory and reports a
validation error that follows a made-up learning curve.

    orion hunt -n train ./train_like.py --lr~'loguniform(1e-5, 1)' \
        --optimizer~'choices(["adam", "sgd", "rmsprop"])' --layers~'randint(1, 6)' \
        --dropout~'uniform(0, 0.8, precision=2)' --epochs~'fidelity(1, 27, base=3)'
"""
import argparse
import json
import math
import os

BEST_LEARNING_RATE = {"adam": 1e-3, "rmsprop": 3e-4, "sgd": 3e-2}
OPTIMIZER_PENALTY = {"adam": 0.0, "rmsprop": 0.05, "sgd": 0.12}

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--optimizer", choices=sorted(BEST_LEARNING_RATE), required=True)
parser.add_argument("--layers", type=int, required=True)
parser.add_argument("--dropout", type=float, default=0.0)
parser.add_argument("--epochs", type=int, default=27)
options = parser.parse_args()

floor = 0.05 + OPTIMIZER_PENALTY[options.optimizer]
floor += 0.15 * (math.log10(options.lr / BEST_LEARNING_RATE[options.optimizer])) ** 2
floor += 0.02 * abs(options.layers - 3) + 0.3 * (options.dropout - 0.3) ** 2
errors = [floor + 0.8 / (epoch + 1) for epoch in range(1, options.epochs + 1)]

working_dir = os.environ.get("ORION_WORKING_DIR")
if working_dir:
    with open(os.path.join(working_dir, "checkpoint.json"), "w") as checkpoint:
        json.dump({"epochs": options.epochs, "valid_errors": errors}, checkpoint)

results_path = os.environ.get("ORION_RESULTS_PATH")
if results_path:
    with open(results_path, "w") as results:
        json.dump(
            [
                {"name": "valid_error", "type": "objective", "value": errors[-1]},
                {"name": "train_time", "type": "statistic", "value": 0.1 * options.epochs * options.layers},
            ],
            results,
        )
print(json.dumps({"valid_error": errors[-1], "epochs": options.epochs}))
