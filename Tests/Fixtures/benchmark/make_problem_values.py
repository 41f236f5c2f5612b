#!/usr/bin/env python3
"""Writes problem_values.json: the nine comparison problems evaluated by the peers' reference implementation.

Usage (from the repository root): python3 Tests/Fixtures/benchmark/make_problem_values.py [BENCH_DIR]
BENCH_DIR defaults to ../shared/bench (problems.json and peers/functions.py). Needs numpy. The output is
committed; the Swift tests (OrionBenchmarkTests/BenchmarkProblemsTests) read it and never need Python.

Per problem: the declared argmin, the box corners of the real dimensions, and 40 points drawn uniformly (in log
space for log dimensions) with a fixed seed, each with the value of functions.py.
"""
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "shared", "bench")
os.environ["BENCH_DIR"] = os.path.abspath(BENCH)
sys.path.insert(0, os.path.join(os.environ["BENCH_DIR"], "peers"))
import functions  # noqa: E402


def draw(dim, rng):
    if dim["type"] == "categorical":
        return rng.choice(dim["choices"])
    low, high = dim["low"], dim["high"]
    if dim["type"] == "int":
        if dim.get("log"):
            return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))
        return rng.randint(low, high)
    if dim.get("log"):
        return math.exp(rng.uniform(math.log(low), math.log(high)))
    return rng.uniform(low, high)


def main():
    rng = random.Random(20261202)
    out = {"generated_by": "Tests/Fixtures/benchmark/make_problem_values.py", "problems": {}}
    for prob in functions.SPEC["problems"]:
        dims = prob["dims"]
        points = [dict(prob["argmin"])]
        for corner in ("low", "high"):
            point = {}
            for d in dims:
                point[d["name"]] = d["choices"][0] if d["type"] == "categorical" else d[corner]
            points.append(point)
        for _ in range(40):
            points.append({d["name"]: draw(d, rng) for d in dims})
        rows = [{"params": p, "value": functions.evaluate(prob["name"], p)} for p in points]
        out["problems"][prob["name"]] = {"optimum": prob["optimum"], "points": rows}
    path = os.path.join(HERE, "problem_values.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
