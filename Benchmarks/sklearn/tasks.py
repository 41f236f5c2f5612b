#!/usr/bin/env python3
"""Real scikit-learn tuning tasks for `orion benchmark --problems sklearn` and the peers' script.

Each task trains a scikit-learn model on a dataset scikit-learn ships (no download) with the hyperparameters of a
trial and returns a validation loss to minimize. Everything random is fixed (the split's permutation and the
model's random_state come from `seed`, 0 unless given), so a task is a deterministic function of its parameters:
every optimizer and every run searches the same function.

    python tasks.py --list                 # the tasks: space (Oríon priors), objective, reference, as JSON
    python tasks.py --task sk_svc_digits --params '{"C": 10, "gamma": 0.001, "kernel": "rbf"}'
    python tasks.py --serve                # one JSON request per line on stdin, one JSON reply per line on stdout

A request of `--serve` is `{"task": NAME, "params": {...}}` (optionally `"seed": N`); the reply is
`{"value": LOSS}`, or `{"error": MESSAGE}` for a bad request. `{"list": true}` replies `{"tasks": [...]}` as
`--list` prints them. Logs go to stderr only. `evaluate(task, params)` is what Benchmarks/peers/sklearn_peers.py
imports.
"""
import argparse
import json
import os
import sys
import warnings

for _name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]:
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

# Each task: its search space as a user writes it in Oríon priors, in a fixed dimension order; what the objective
# is; and its reference value: the best value any method found (see docs/benchmarking.md, "Real scikit-learn
# tasks", for how each was obtained). Regret = best value found - reference.
TASKS = {
    "sk_svc_digits": {
        "summary": "SVC on digits (500 train / 500 validation), validation error rate",
        "priors": {
            "C": "loguniform(1e-3, 1e3)",
            "gamma": "loguniform(1e-5, 1)",
            "kernel": "choices(['rbf', 'poly', 'sigmoid'])",
        },
        "order": ["C", "gamma", "kernel"],
        "reference": 0.014,
    },
    "sk_hgb_cancer": {
        "summary": "HistGradientBoostingClassifier (25 iterations) on breast_cancer (341/228), validation log loss",
        "priors": {
            "learning_rate": "loguniform(1e-3, 1)",
            "max_leaf_nodes": "loguniform(4, 64, discrete=True)",
            "min_samples_leaf": "uniform(1, 60, discrete=True)",
            "l2_regularization": "loguniform(1e-6, 10)",
            "max_features": "uniform(0.1, 1)",
        },
        "order": ["learning_rate", "max_leaf_nodes", "min_samples_leaf", "l2_regularization", "max_features"],
        "reference": 0.02948003447139681,
    },
    "sk_forest_wine": {
        "summary": "RandomForestClassifier on wine (89/89), validation log loss",
        "priors": {
            "n_estimators": "uniform(5, 30, discrete=True)",
            "max_depth": "uniform(1, 12, discrete=True)",
            "max_features": "uniform(0.05, 1)",
            "criterion": "choices(['gini', 'entropy'])",
            "bootstrap": "choices([True, False])",
        },
        "order": ["n_estimators", "max_depth", "max_features", "criterion", "bootstrap"],
        "reference": 0.07126928046601742,
    },
    "sk_mlp_digits": {
        "summary": "MLPClassifier (adam, 8 epochs) on digits (600/500), validation log loss",
        "priors": {
            "hidden": "loguniform(8, 96, discrete=True)",
            "alpha": "loguniform(1e-6, 1e-1)",
            "learning_rate_init": "loguniform(1e-4, 1e-1)",
            "activation": "choices(['relu', 'tanh', 'logistic'])",
        },
        "order": ["hidden", "alpha", "learning_rate_init", "activation"],
        "reference": 0.12401847381026068,
    },
    "sk_sgd_diabetes": {
        "summary": "SGDRegressor (elastic net) on diabetes (265/177, standardized), validation 1 - R^2",
        "priors": {
            "alpha": "loguniform(1e-6, 10)",
            "l1_ratio": "uniform(0, 1)",
            "eta0": "loguniform(1e-5, 1)",
            "learning_rate": "choices(['constant', 'invscaling', 'adaptive'])",
            "loss": "choices(['squared_error', 'huber', 'epsilon_insensitive'])",
            "max_iter": "uniform(5, 100, discrete=True)",
        },
        "order": ["alpha", "l1_ratio", "eta0", "learning_rate", "loss", "max_iter"],
        "reference": 0.4288688815701379,
    },
}

_DATA = {}


def _split(name, train_fraction, seed, scale=None, sizes=None):
    """The dataset `name` split once by a permutation of `seed`: (train_x, train_y, valid_x, valid_y); `sizes`
    (train, validation) takes the first examples of the permutation instead of `train_fraction` of all."""
    key = (name, train_fraction, seed, scale, sizes)
    if key not in _DATA:
        from sklearn import datasets

        loader = {
            "digits": datasets.load_digits,
            "breast_cancer": datasets.load_breast_cancer,
            "wine": datasets.load_wine,
            "diabetes": datasets.load_diabetes,
        }[name]
        features, targets = loader(return_X_y=True)
        features = features.astype(np.float64)
        order = np.random.RandomState(seed).permutation(len(targets))
        if sizes:
            train, valid = order[: sizes[0]], order[sizes[0] : sizes[0] + sizes[1]]
        else:
            cut = int(round(train_fraction * len(targets)))
            train, valid = order[:cut], order[cut:]
        train_x, valid_x = features[train], features[valid]
        if scale == "fixed16":
            train_x, valid_x = train_x / 16.0, valid_x / 16.0
        elif scale == "standardize":
            mean, std = train_x.mean(axis=0), train_x.std(axis=0)
            std[std == 0] = 1.0
            train_x, valid_x = (train_x - mean) / std, (valid_x - mean) / std
        _DATA[key] = (train_x, targets[train], valid_x, targets[valid])
    return _DATA[key]


def _log_loss(model, valid_x, valid_y):
    from sklearn.metrics import log_loss

    return float(log_loss(valid_y, model.predict_proba(valid_x), labels=model.classes_))


def svc_digits(C, gamma, kernel, seed=0):
    """Validation error rate of SVC on digits."""
    from sklearn.svm import SVC

    train_x, train_y, valid_x, valid_y = _split("digits", 0.5, seed, "fixed16", (500, 500))
    model = SVC(C=float(C), gamma=float(gamma), kernel=str(kernel), max_iter=10000, random_state=seed)
    model.fit(train_x, train_y)
    return float(np.mean(model.predict(valid_x) != valid_y))


def hgb_cancer(learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization, max_features, seed=0):
    """Validation log loss of HistGradientBoostingClassifier on breast_cancer."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    train_x, train_y, valid_x, valid_y = _split("breast_cancer", 0.6, seed)
    model = HistGradientBoostingClassifier(
        learning_rate=float(learning_rate),
        max_iter=25,
        max_leaf_nodes=int(round(max_leaf_nodes)),
        min_samples_leaf=int(round(min_samples_leaf)),
        l2_regularization=float(l2_regularization),
        max_features=float(max_features),
        early_stopping=False,
        random_state=seed,
    )
    model.fit(train_x, train_y)
    return _log_loss(model, valid_x, valid_y)


def forest_wine(n_estimators, max_depth, max_features, criterion, bootstrap, seed=0):
    """Validation log loss of RandomForestClassifier on wine."""
    from sklearn.ensemble import RandomForestClassifier

    train_x, train_y, valid_x, valid_y = _split("wine", 0.5, seed)
    model = RandomForestClassifier(
        n_estimators=int(round(n_estimators)),
        max_depth=int(round(max_depth)),
        max_features=float(max_features),
        criterion=str(criterion),
        bootstrap=_boolean(bootstrap),
        random_state=seed,
        n_jobs=1,
    )
    model.fit(train_x, train_y)
    return _log_loss(model, valid_x, valid_y)


def mlp_digits(hidden, alpha, learning_rate_init, activation, seed=0):
    """Validation log loss of a one-hidden-layer MLPClassifier trained 8 epochs on digits."""
    from sklearn.neural_network import MLPClassifier

    train_x, train_y, valid_x, valid_y = _split("digits", 0.6, seed, "fixed16", (600, 500))
    model = MLPClassifier(
        hidden_layer_sizes=(int(round(hidden)),),
        alpha=float(alpha),
        learning_rate_init=float(learning_rate_init),
        activation=str(activation),
        max_iter=8,
        random_state=seed,
    )
    model.fit(train_x, train_y)
    return _log_loss(model, valid_x, valid_y)


def sgd_diabetes(alpha, l1_ratio, eta0, learning_rate, loss, max_iter, seed=0):
    """Validation 1 - R^2 of SGDRegressor (elastic net) on standardized diabetes, target scaled to unit variance."""
    from sklearn.linear_model import SGDRegressor

    train_x, train_y, valid_x, valid_y = _split("diabetes", 0.6, seed, "standardize")
    mean, std = train_y.mean(), train_y.std()
    model = SGDRegressor(
        alpha=float(alpha),
        l1_ratio=float(l1_ratio),
        penalty="elasticnet",
        eta0=float(eta0),
        learning_rate=str(learning_rate),
        loss=str(loss),
        max_iter=int(round(max_iter)),
        tol=None,
        random_state=seed,
    )
    model.fit(train_x, (train_y - mean) / std)
    prediction = model.predict(valid_x) * std + mean
    if not np.all(np.isfinite(prediction)):
        return 1e6
    residual = float(np.sum((valid_y - prediction) ** 2))
    total = float(np.sum((valid_y - valid_y.mean()) ** 2))
    return min(residual / total, 1e6)


FUNCTIONS = {
    "sk_svc_digits": svc_digits,
    "sk_hgb_cancer": hgb_cancer,
    "sk_forest_wine": forest_wine,
    "sk_mlp_digits": mlp_digits,
    "sk_sgd_diabetes": sgd_diabetes,
}


def _boolean(value):
    if isinstance(value, bool):
        return value
    if str(value) in ("True", "true"):
        return True
    if str(value) in ("False", "false"):
        return False
    raise ValueError(f"expected a boolean, got {value!r}")


def evaluate(task, params, seed=0):
    """The loss of `task` at `params` (dimension name -> value); raises ValueError for a bad task or point."""
    if task not in TASKS:
        raise ValueError(f"unknown task '{task}'; the tasks are {', '.join(TASKS)}")
    missing = [name for name in TASKS[task]["order"] if name not in params]
    if missing:
        raise ValueError(f"task '{task}' needs parameters {', '.join(missing)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = FUNCTIONS[task](**{name: params[name] for name in TASKS[task]["order"]}, seed=int(seed))
    return float(value)


def describe():
    """The tasks as JSON-ready dicts: name, summary, priors, order, reference."""
    return [dict(name=name, **spec) for name, spec in TASKS.items()]


def serve(stdin, stdout):
    """Answers one JSON request per line until stdin closes."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
            if request.get("list"):
                reply = {"tasks": describe()}
            else:
                params = request.get("params")
                if not isinstance(params, dict):
                    raise ValueError("a request needs \"params\", an object of dimension name -> value")
                reply = {"value": evaluate(request.get("task"), params, request.get("seed", 0))}
        except Exception as error:  # noqa: BLE001 - every failure becomes an error reply
            reply = {"error": f"{type(error).__name__}: {error}"}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin, one per line")
    parser.add_argument("--list", action="store_true", help="print the tasks as JSON")
    parser.add_argument("--task", help="evaluate this task once at --params")
    parser.add_argument("--params", help="JSON object of dimension name -> value")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    if options.serve:
        import sklearn  # noqa: F401 - fail at start, not at the first request, when scikit-learn is missing

        print(f"tasks.py: serving {len(TASKS)} tasks (scikit-learn {sklearn.__version__})", file=sys.stderr)
        serve(sys.stdin, sys.stdout)
    elif options.list:
        print(json.dumps(describe(), indent=1))
    elif options.task:
        print(json.dumps({"value": evaluate(options.task, json.loads(options.params or "{}"), options.seed)}))
    else:
        parser.error("give --serve, --list or --task NAME --params JSON")


if __name__ == "__main__":
    main()
