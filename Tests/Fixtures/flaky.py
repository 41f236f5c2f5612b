#!/usr/bin/env python3
"""Fails on part of the space, as real training does: when x > 0.8 it exits 1 after an error message on stderr
(like running out of GPU memory); when x < 0.1 it exits 0 without writing results; elsewhere it reports (x - 0.5)^2.
"""
import argparse
import json
import os
import sys

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("-x", type=float, required=True)
x = parser.parse_args().x

if x > 0.8:
    sys.stderr.write("RuntimeError: CUDA out of memory (simulated)\n")
    sys.exit(1)
if x < 0.1:
    sys.stderr.write("done, but forgot to report the results\n")
    sys.exit(0)
with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
    json.dump([{"name": "loss", "type": "objective", "value": (x - 0.5) ** 2}], results)
