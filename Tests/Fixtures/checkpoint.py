#!/usr/bin/env python3
"""Trains from a checkpoint, as a population-based (PBT) training script does: the model is one weight fitted by
gradient descent with the learning rate --lr for --epochs epochs in all. A trial with a parent starts from the
parent's checkpoint (ORION_PARENT_WORKING_DIR/checkpoint.json): its weight and the epochs already run; it saves its
own checkpoint in ORION_WORKING_DIR and reports the epoch and the weight it started from as statistics.

    orion hunt -n pbt --config pbt.yaml ./checkpoint.py --lr~'loguniform(1e-3, 1)' --epochs~'fidelity(1, 4, base=1)'
"""
import argparse
import json
import os

TARGET = 3.0

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--epochs", type=int, required=True)
options = parser.parse_args()

start_epoch, weight = 0, 0.0
parent_dir = os.environ.get("ORION_PARENT_WORKING_DIR")
if parent_dir:
    with open(os.path.join(parent_dir, "checkpoint.json")) as checkpoint:
        saved = json.load(checkpoint)
    start_epoch, weight = saved["epoch"], saved["weight"]
start_weight = weight

for _ in range(start_epoch, options.epochs):
    weight -= options.lr * 2 * (weight - TARGET)
loss = (weight - TARGET) ** 2

with open(os.path.join(os.environ["ORION_WORKING_DIR"], "checkpoint.json"), "w") as checkpoint:
    json.dump({"epoch": options.epochs, "weight": weight}, checkpoint)

with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
    json.dump(
        [
            {"name": "loss", "type": "objective", "value": loss},
            {"name": "start_epoch", "type": "statistic", "value": start_epoch},
            {"name": "start_weight", "type": "statistic", "value": start_weight},
            {"name": "weight", "type": "statistic", "value": weight},
        ],
        results,
    )
