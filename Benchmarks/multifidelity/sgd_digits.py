#!/usr/bin/env python3
"""The real task of the multi-fidelity benchmark: scikit-learn's SGDClassifier trained with partial_fit on
load_digits, one pass over the training set per epoch; reports the validation error through the Oríon protocol.

    orion hunt -n sgd python Benchmarks/multifidelity/sgd_digits.py --alpha~'loguniform(1e-6, 1)' \
        --eta0~'loguniform(1e-5, 1)' --l1_ratio~'uniform(0, 1)' --epochs~'fidelity(1, 27, base=3)' --seed 0

Deterministic given --seed: the train/validation split is fixed (1197/600, permutation seed 0), the model's
random_state and the order of the examples in each epoch come from --seed. `train(...)` is imported by
Benchmarks/peers/multifidelity_orion.py so that Oríon 0.2.7 runs the same computation.
"""
import argparse
import json
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier

TRAIN_SIZE = 1197


def train(alpha, eta0, l1_ratio, epochs, seed=0):
    """Validation error of SGDClassifier after `epochs` epochs of partial_fit."""
    features, labels = load_digits(return_X_y=True)
    features = features / 16.0
    order = np.random.RandomState(0).permutation(len(labels))
    train_x, train_y = features[order[:TRAIN_SIZE]], labels[order[:TRAIN_SIZE]]
    valid_x, valid_y = features[order[TRAIN_SIZE:]], labels[order[TRAIN_SIZE:]]
    model = SGDClassifier(
        loss="log_loss",
        penalty="elasticnet",
        alpha=alpha,
        l1_ratio=l1_ratio,
        learning_rate="constant",
        eta0=eta0,
        shuffle=False,
        random_state=seed,
    )
    shuffler = np.random.RandomState(seed)
    classes = np.arange(10)
    for _ in range(int(epochs)):
        batch = shuffler.permutation(TRAIN_SIZE)
        model.partial_fit(train_x[batch], train_y[batch], classes=classes)
    return float(1.0 - model.score(valid_x, valid_y))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alpha", type=float, required=True)
    parser.add_argument("--eta0", type=float, required=True)
    parser.add_argument("--l1_ratio", type=float, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    error = train(options.alpha, options.eta0, options.l1_ratio, options.epochs, options.seed)
    results_path = os.environ.get("ORION_RESULTS_PATH")
    if results_path:
        with open(results_path, "w") as results:
            json.dump([{"name": "valid_error", "type": "objective", "value": error}], results)
    print(json.dumps({"valid_error": error, "epochs": options.epochs}))


if __name__ == "__main__":
    main()
