#!/usr/bin/env python3
"""Reads its hyperparameters from a configuration file, as many training scripts do:

    orion hunt -n cfg ./from_config.py --config train.yaml

train.yaml holds `orion~` priors; orion gives each trial its own rendered copy. The file is read as YAML when
PyYAML is installed, and as JSON otherwise.
"""
import argparse
import json
import os

ACTIVATION_PENALTY = {"relu": 0.0, "gelu": 0.01, "tanh": 0.1}

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--config", required=True)
with open(parser.parse_args().config) as handle:
    text = handle.read()
try:
    import yaml
except ImportError:
    config = json.loads(text)
else:
    config = yaml.safe_load(text)

learning_rate = config["optimizer"]["lr"]
width = config["model"]["width"]
loss = 1e4 * (learning_rate - 0.01) ** 2 + (width - 128) ** 2 / 1e4
loss += ACTIVATION_PENALTY[config["model"]["activation"]]
with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
    json.dump([{"name": "loss", "type": "objective", "value": loss}], results)
