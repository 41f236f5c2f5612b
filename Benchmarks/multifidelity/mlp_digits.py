#!/usr/bin/env python3
"""The real task of the multi-fidelity benchmark where hyperparameters matter: scikit-learn's MLPClassifier (one
hidden layer of 64 ReLU units, SGD with Nesterov momentum, constant learning rate) trained with partial_fit on
load_digits, one pass over the training set per epoch; reports the validation log loss through the Oríon protocol,
and saves a checkpoint so that a promoted or forked trial continues from its parent's.

    orion hunt -n mlp python Benchmarks/multifidelity/mlp_digits.py --lr~'loguniform(1e-4, 1)' \
        --momentum~'uniform(0, 0.99)' --alpha~'loguniform(1e-6, 1)' --batch_size~'loguniform(8, 512, discrete=True)' \
        --epochs~'fidelity(1, 27, base=3)' --seed 0

Checkpoints, as a user writes them: the model and the epochs trained are pickled in $ORION_WORKING_DIR/model.pkl;
when $ORION_PARENT_WORKING_DIR is set (a promoted trial, or a PBT child) and holds a checkpoint of at most --epochs
epochs, training continues from it with this trial's hyperparameters and runs only the remaining epochs. The
epochs trained by this trial are reported as the statistic `trained_epochs`.

Deterministic given --seed: the train/validation split is fixed (1197/600, permutation seed 0); the initial weights
come from --seed and the order of the examples in epoch k from (--seed, k), so resuming from a checkpoint of the same
configuration gives the same model as training from scratch.

`--serve` answers one JSON request per line on stdin ({"params": {...}, "seed": s, "working_dir": dir,
"parent_working_dir": dir or null}) with one JSON line on stdout ({"objective": loss, "valid_error": e,
"trained_epochs": n}), running `train` exactly as a trial's process does: one long-lived process per benchmark run
instead of one Python start (about 3 s with scikit-learn) per trial. `train(...)` is also imported by
Benchmarks/peers/multifidelity_orion.py so that Oríon 0.2.7 runs the same computation.
"""
import argparse
import json
import math
import os
import pickle
import sys
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

TRAIN_SIZE = 1197
HIDDEN = 64
CHECKPOINT = "model.pkl"
# The loss of a model whose outputs are not finite (diverged): every validation example at probability 1e-7.
DIVERGED_LOSS = -math.log(1e-7)
_DATA = None


def data():
    """(train_x, train_y, valid_x, valid_y): load_digits scaled to [0, 1], split by a fixed permutation."""
    global _DATA
    if _DATA is None:
        features, labels = load_digits(return_X_y=True)
        features = features / 16.0
        order = np.random.RandomState(0).permutation(len(labels))
        _DATA = (
            features[order[:TRAIN_SIZE]], labels[order[:TRAIN_SIZE]],
            features[order[TRAIN_SIZE:]], labels[order[TRAIN_SIZE:]],
        )
    return _DATA


def load_checkpoint(parent_working_dir, epochs):
    """(model, epochs trained) from the parent's checkpoint, or (None, 0) when there is none usable."""
    if not parent_working_dir:
        return None, 0
    path = os.path.join(parent_working_dir, CHECKPOINT)
    if not os.path.exists(path):
        return None, 0
    with open(path, "rb") as handle:
        saved = pickle.load(handle)
    if saved["epochs"] > epochs:
        return None, 0
    return saved["model"], saved["epochs"]


def train(lr, momentum, alpha, batch_size, epochs, seed=0, working_dir=None, parent_working_dir=None):
    """Trains for `epochs` epochs in all (from the parent's checkpoint when there is one) and returns
    {"objective": validation log loss, "valid_error": validation error, "trained_epochs": epochs run here}.
    Saves the checkpoint in `working_dir` when given."""
    train_x, train_y, valid_x, valid_y = data()
    model, start = load_checkpoint(parent_working_dir, int(epochs))
    if model is None:
        model = MLPClassifier(
            hidden_layer_sizes=(HIDDEN,),
            solver="sgd",
            nesterovs_momentum=True,
            learning_rate="constant",
            shuffle=False,
            random_state=seed,
        )
    model.set_params(learning_rate_init=lr, momentum=momentum, alpha=alpha, batch_size=int(batch_size))
    optimizer = getattr(model, "_optimizer", None)
    if optimizer is not None:  # a resumed model keeps its velocities but takes this trial's hyperparameters
        optimizer.learning_rate_init = optimizer.learning_rate = lr
        optimizer.momentum = momentum
    classes = np.arange(10)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=RuntimeWarning)
        for epoch in range(start, int(epochs)):
            order = np.random.RandomState([seed, epoch]).permutation(TRAIN_SIZE)
            model.partial_fit(train_x[order], train_y[order], classes=classes)
        probabilities = model.predict_proba(valid_x)
    picked = probabilities[np.arange(len(valid_y)), valid_y]
    if np.all(np.isfinite(probabilities)):
        loss = float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0))))
        error = float(np.mean(np.argmax(probabilities, axis=1) != valid_y))
    else:
        loss, error = DIVERGED_LOSS, 1.0
    if working_dir:
        with open(os.path.join(working_dir, CHECKPOINT), "wb") as handle:
            pickle.dump({"model": model, "epochs": int(epochs)}, handle)
    return {"objective": loss, "valid_error": error, "trained_epochs": int(epochs) - start}


def serve():
    """One request per line on stdin, one reply per line on stdout (see the module's documentation)."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            params = request["params"]
            reply = train(
                float(params["lr"]), float(params["momentum"]), float(params["alpha"]),
                int(params["batch_size"]), int(params["epochs"]), int(request.get("seed", 0)),
                request.get("working_dir"), request.get("parent_working_dir"),
            )
        except Exception as error:  # the runner shows the message; the loop goes on
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--momentum", type=float)
    parser.add_argument("--alpha", type=float)
    parser.add_argument("--batch_size", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin (see above)")
    options = parser.parse_args()
    if options.serve:
        serve()
        return
    missing = [name for name in ("lr", "momentum", "alpha", "batch_size", "epochs") if getattr(options, name) is None]
    if missing:
        parser.error("missing " + ", ".join("--" + name for name in missing))
    result = train(
        options.lr, options.momentum, options.alpha, options.batch_size, options.epochs, options.seed,
        os.environ.get("ORION_WORKING_DIR"), os.environ.get("ORION_PARENT_WORKING_DIR"),
    )
    results_path = os.environ.get("ORION_RESULTS_PATH")
    if results_path:
        with open(results_path, "w") as results:
            json.dump(
                [
                    {"name": "valid_loss", "type": "objective", "value": result["objective"]},
                    {"name": "valid_error", "type": "statistic", "value": result["valid_error"]},
                    {"name": "trained_epochs", "type": "statistic", "value": result["trained_epochs"]},
                ],
                results,
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
