#!/usr/bin/env python3
"""Per-trial cost of `from orion.client import report_objective` under `orion hunt`: swift-orion's light client
against Oríon 0.2.7's own package, and against a script that writes its results file with `json` alone.

    /tmp/orion-peers-venv/bin/python Benchmarks/peers/python_client.py --orion .build/debug/orion [--trials 20]

The hunts run the same swift-orion binary and the same Python build; only what the script imports differs:
- oríon (before): the script imports `orion.client`, run by the interpreter running this file, whose virtualenv has
  Oríon 0.2.7 (an installed Oríon always wins: it is a namespace package set up by its .pth file at start-up);
- light (after): the same script run by the virtualenv's base interpreter (`sys.base_prefix`, no Oríon): `orion
  hunt` puts its light client on PYTHONPATH (the default);
- bare: a script that writes `$ORION_RESULTS_PATH` with `json` (no `orion` import), by the base interpreter.
Also the import alone (`python -c "from orion.client import report_objective"`), light and Oríon, `--imports` times.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

CLIENT = """#!{python}
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("-x", type=float)
x = parser.parse_args().x
from orion.client import report_objective
report_objective((x - 0.5) ** 2)
"""

BARE = """#!{python}
import argparse, json, os
parser = argparse.ArgumentParser()
parser.add_argument("-x", type=float)
x = parser.parse_args().x
with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
    json.dump([{{"name": "objective", "type": "objective", "value": (x - 0.5) ** 2}}], results)
"""


def hunt(orion, directory, name, script, trials, extra):
    environment = dict(os.environ, ORION_DB_ADDRESS="sqlite://" + directory + "/orion.db", TMPDIR=directory)
    environment.pop("PYTHONPATH", None)
    command = [orion, "hunt", "-n", name, "--exp-max-trials", str(trials)] + extra + [script, "-x~uniform(0, 1)"]
    start = time.perf_counter()
    done = subprocess.run(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{name}: orion hunt failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed / trials


def import_time(python, path, runs):
    environment = dict(os.environ)
    environment.pop("PYTHONPATH", None)
    if path:
        environment["PYTHONPATH"] = path
    start = time.perf_counter()
    for _ in range(runs):
        subprocess.run([python, "-c", "from orion.client import report_objective"], env=environment, check=True)
    return (time.perf_counter() - start) / runs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orion", required=True, help="the swift-orion binary")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--imports", type=int, default=10)
    arguments = parser.parse_args()
    orion = os.path.abspath(arguments.orion)
    with tempfile.TemporaryDirectory(prefix="pyclient-bench-") as directory:
        scripts = {}
        base = os.path.join(sys.base_prefix, "bin", "python3")
        for name, text, python in (("client", CLIENT, base), ("with_orion", CLIENT, sys.executable), ("bare", BARE, base)):
            path = os.path.join(directory, name + ".py")
            with open(path, "w") as handle:
                handle.write(text.format(python=python))
            os.chmod(path, 0o755)
            scripts[name] = path
        light = hunt(orion, directory, "light", scripts["client"], arguments.trials, [])
        orion_client = hunt(orion, directory, "orion", scripts["with_orion"], arguments.trials, [])
        bare = hunt(orion, directory, "bare", scripts["bare"], arguments.trials, [])
        user = os.environ.get("USER") or str(os.getuid())
        root = os.path.join(directory, "orion-" + user)
        light_path = os.path.join(root, next(d for d in os.listdir(root) if d.startswith("python-client-")))
        light_import = import_time(base, light_path, arguments.imports)
        orion_import = import_time(sys.executable, None, arguments.imports)
    print(f"python: {sys.executable} (Oríon), {base} (light, bare); {arguments.trials} trials per hunt")
    print(f"per trial, bare (json only)           : {bare * 1000:8.1f} ms")
    print(f"per trial, light orion.client         : {light * 1000:8.1f} ms ({light / bare:.2f}x bare)")
    print(f"per trial, Oríon 0.2.7's orion.client : {orion_client * 1000:8.1f} ms ({orion_client / bare:.2f}x bare)")
    print(f"Oríon's client / light client, per trial: {orion_client / light:.1f}x")
    print(f"import alone: light {light_import * 1000:.1f} ms, Oríon 0.2.7 {orion_import * 1000:.1f} ms "
          f"({orion_import / light_import:.1f}x)")


if __name__ == "__main__":
    main()
