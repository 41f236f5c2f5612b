#!/usr/bin/env python3
"""Builds the table fixture: a few peers' result files, a few of ours, and summarize.py's table of them.

Usage (from the repository root, after `swift build`):
    python3 Tests/Fixtures/benchmark/make_table_fixture.py [BENCH_DIR]
BENCH_DIR defaults to ../shared/bench. It copies PEER_FILES from BENCH_DIR/results into results/, runs
`.build/debug/orion benchmark run` for ours (random, seeds 0-4, on the same problems; 1 and 2 workers on
branin, which gives tied medians), then writes expected_summary.md with the peers' own peers/summarize.py.
OrionBenchmarkTests/BenchmarkTableTests checks that `BenchmarkTable` (orion benchmark table) writes the same text.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BENCH = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "bench"))
PROBLEMS = ["branin", "mixed_cat_int", "lr_like"]
PEER_FILES = [f"{peer}_{p}.json" for peer in ["optuna_random", "optuna_gp", "hebo_default"] for p in PROBLEMS]


def main():
    results = os.path.join(HERE, "results")
    shutil.rmtree(results, ignore_errors=True)
    os.makedirs(results)
    for name in PEER_FILES:
        shutil.copy(os.path.join(BENCH, "results", name), os.path.join(results, name))
    orion = os.path.join(ROOT, ".build", "debug", "orion")
    common = [orion, "benchmark", "run", "--algorithms", "random", "--budget", "100", "--seeds", "0-4", "--out", results]
    subprocess.run(common + ["--problems", "mixed_cat_int,lr_like"], check=True)
    subprocess.run(common + ["--problems", "branin", "--workers", "1,2"], check=True)
    env = dict(os.environ, BENCH_DIR=BENCH)
    subprocess.run([sys.executable, os.path.join(BENCH, "peers", "summarize.py"), "--results", results,
                    "--out", os.path.join(HERE, "expected_summary.md")], check=True, env=env, stdout=subprocess.DEVNULL)
    print("wrote", results, "and expected_summary.md")


if __name__ == "__main__":
    main()
