#!/usr/bin/env python3
"""The Rosenbrock function of -x and -y, reported as the objective (minimum 0 at x = y = 1).

    ./rosenbrock.py -x 0.5 -y 2
    orion hunt -n rosen ./rosenbrock.py -x~'uniform(-5, 10)' -y~'uniform(-5, 10)'
"""
import argparse
import json
import os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("-x", type=float, required=True)
parser.add_argument("-y", type=float, required=True)
options = parser.parse_args()

objective = 100.0 * (options.y - options.x * options.x) ** 2 + (1.0 - options.x) ** 2
distance = abs(1.0 - options.x) + abs(1.0 - options.y)
print("x=%s y=%s objective=%s" % (options.x, options.y, objective))

results_path = os.environ.get("ORION_RESULTS_PATH")
if results_path:  # run by orion
    with open(results_path, "w") as results:
        json.dump(
            [
                {"name": "rosenbrock", "type": "objective", "value": objective},
                {"name": "distance_to_one", "type": "statistic", "value": distance},
            ],
            results,
        )
