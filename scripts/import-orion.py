#!/usr/bin/env python3
"""Export experiments from an Oríon 0.2.7 database (PickledDB or MongoDB) to a swift-orion dump.

Run it with the Python that has Oríon 0.2.7 installed (scripts/services/orion-venv.sh makes one), then load the
file with swift-orion:

    /tmp/orion-0.2.7-venv/bin/python scripts/import-orion.py --pickleddb ~/.local/share/orion.core/orion/orion_db.pkl -o orion.json
    /tmp/orion-0.2.7-venv/bin/python scripts/import-orion.py --mongodb mongodb://host:27017 --db-name orion -o orion.json
    orion db load orion.json

The database is read with Oríon's own storage API (`orion.storage.base.setup_storage`), never written. The dump
format is docs/dump-format.md; what is kept and what is not is in docs/migrating-from-orion.md.
"""
import argparse
import ast
import datetime
import hashlib
import json
import math
import os
import re
import sys
import warnings

FORMAT = "swift-orion-dump"
FORMAT_VERSION = 1


def seconds(value):
    """Seconds since 1970 of one of Oríon's naive UTC datetimes (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.timestamp()


def plain(value):
    """A JSON-friendly copy of a value from Oríon (numpy scalars and tuples included); NaN and infinities as
    the strings the dump format uses."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    return str(value)


def experiment_id(config):
    """A stable 24-hex-digit id for an imported experiment, so that importing twice gives the same ids."""
    key = "orion-0.2.7|%s|%s|%s" % (config["name"], config.get("version", 1), config.get("_id"))
    return hashlib.md5(key.encode("utf-8")).hexdigest()[:24]


def algorithm_of(config):
    """Oríon's `{name: {options}}` (key `algorithm`, or `algorithms` in older databases)."""
    algorithm = config.get("algorithm") or config.get("algorithms") or {"random": {}}
    if isinstance(algorithm, str):
        return {algorithm.lower(): {}}
    (name, options), = algorithm.items()
    # An infinite count (`repetitions`, `max_age`) means no limit, which swift-orion writes null.
    return {
        name.lower(): {
            str(key): None if isinstance(value, float) and math.isinf(value) and value > 0 else plain(value)
            for key, value in (options or {}).items()
        }
    }


# A float written with more digits than a double's 15 significant ones: Oríon's `low + (high - low)`, such as
# `0.7699999999999998` for `uniform(-1.7, 0.77)`.
LONG_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d{15,}(?:e[+-]?\d+)?")


def typed_prior(prior):
    """A prior as the user typed it: Oríon stores the upper bound of `uniform(-1.7, 0.77)` as `0.7699999999999998`
    (its `low + (high - low)`); swift-orion keeps `0.77`, so that the same command line resumes the experiment."""
    if not prior.startswith(("uniform(", "loguniform(")):
        return prior
    return LONG_FLOAT.sub(lambda match: repr(float("%.15g" % float(match.group(0)))), prior)


def exact_choices(prior, typed=None):
    """A `choices` prior with probabilities that sum to 1. Oríon stores each probability rounded to two decimals
    (`choices({'a': 0.333, 'b': 0.333, 'c': 0.334})` is stored as `choices({'a': 0.33, 'b': 0.33, 'c': 0.33})`),
    which then sum to 0.99 and are refused as a prior, so the experiment could not be resumed. The prior as typed
    (`metadata.priors`, when Oríon kept it) is taken when it is a `choices` prior; otherwise the stored
    probabilities are scaled to sum to 1 (equal ones stay equal), when they are off by no more than the rounding."""
    if not prior.startswith("choices({"):
        return prior
    if isinstance(typed, str) and typed.replace(" ", "").startswith("choices({"):
        return typed
    try:
        call = ast.parse(prior, mode="eval").body
        probabilities = ast.literal_eval(call.args[0])
        total = sum(probabilities.values())
    except (SyntaxError, ValueError, AttributeError, IndexError, TypeError):
        return prior
    if abs(total - 1) <= 1e-9 or abs(total - 1) > 0.005 * len(probabilities) or total <= 0:
        return prior
    scaled = {key: float("%.12g" % (value / total)) for key, value in probabilities.items()}
    node = call.args[0]
    return prior[: node.col_offset] + repr(scaled) + prior[node.end_col_offset :]


def flat_space(space, prefix="", typed=None):
    """Oríon's space with its nested names flattened: `--a.b~uniform(0, 1)` is stored as `{"/a": {"b": ...}}`,
    while its trials name the dimension `/a.b`, as swift-orion's space does. `typed` holds the priors as the user
    typed them (`metadata.priors`), by flat name, when Oríon kept them."""
    flat = {}
    typed = typed if isinstance(typed, dict) else {}
    for name, prior in space.items():
        if isinstance(prior, dict):
            flat.update(flat_space(prior, prefix + name + ".", typed))
        else:
            flat[prefix + name] = exact_choices(typed_prior(str(prior)), typed.get(prefix + name))
    return flat


# Oríon's adapter classes (`of_type`) as swift-orion's `Adapter` cases.
CHANGE_ADAPTERS = {"codechange": "codeChange", "commandlinechange": "commandLineChange",
                   "scriptconfigchange": "scriptConfigChange"}


def convert_adapter(adapter):
    """One of Oríon's EVC adapters (`refers.adapter`) as swift-orion's; ValueError for one it does not know."""
    kind = str(adapter.get("of_type", "")).lower()
    if kind in ("dimensionaddition", "dimensiondeletion"):
        param = adapter.get("param") or {}
        body = {"name": str(param["name"]), "type": str(param.get("type") or "real")}
        if param.get("value") is not None:
            body["value"] = plain(param["value"])
        return {"dimensionAddition" if kind == "dimensionaddition" else "dimensionDeletion": body}
    if kind == "dimensionpriorchange":
        return {"dimensionPriorChange": {
            "name": str(adapter["name"]),
            "oldPrior": typed_prior(str(adapter["old_prior"])),
            "newPrior": typed_prior(str(adapter["new_prior"])),
        }}
    if kind == "dimensionrenaming":
        return {"dimensionRenaming": {"oldName": str(adapter["old_name"]), "newName": str(adapter["new_name"])}}
    if kind == "algorithmchange":
        return {"algorithmChange": {}}
    if kind in CHANGE_ADAPTERS:
        change = str(adapter.get("change_type"))
        if change not in ("noeffect", "unsure", "break"):
            raise ValueError("change type %r" % change)
        return {CHANGE_ADAPTERS[kind]: {"_0": change}}
    raise ValueError("adapter %r" % kind)


def convert_refers(config, ids):
    """The experiment's place in its version tree (`refers`: root, parent, adapters) under the imported ids, or
    None for a root, or when its parent is not in the database or an adapter is not known (then said on stderr: the
    version is imported as a tree of its own)."""
    refers = config.get("refers") or {}
    parent = refers.get("parent_id")
    if parent is None:
        return None
    what = "%s-v%s" % (config["name"], config.get("version", 1))
    if parent not in ids or refers.get("root_id") not in ids:
        print("warning: the parent of %s is not in the database: imported as a root" % what, file=sys.stderr)
        return None
    try:
        adapters = [convert_adapter(adapter) for adapter in refers.get("adapter") or []]
    except (KeyError, ValueError) as error:
        print("warning: %s has an adapter this import does not know (%s): imported as a root" % (what, error),
              file=sys.stderr)
        return None
    return {"rootID": ids[refers["root_id"]], "parentID": ids[parent], "adapters": adapters}


def start_directory(user_args, user_script):
    """The directory Oríon's command was given in, when the script's path as typed says it: `./train.py` typed in
    /home/me/proj, for the absolute /home/me/proj/train.py that Oríon stores beside the arguments as typed. A resume
    reads the command's relative paths (the script, a `--config` file) from there. None when it cannot be told
    (`../train.py`, a program found on the PATH)."""
    if not user_script or not os.path.isabs(user_script):
        return None
    for argument in user_args:
        typed = os.path.normpath(str(argument))
        if os.path.isabs(typed) or typed.startswith("..") or "~" in typed:
            continue
        if user_script.endswith("/" + typed):
            return user_script[: -len(typed) - 1] or "/"
    return None


def convert_experiment(config, ids=None):
    """Oríon's experiment document as swift-orion's `Experiment`; `ids` maps every Oríon experiment id of the
    database to its imported id, for the version tree (`refers`)."""
    metadata = config.get("metadata") or {}
    max_trials = config.get("max_trials")
    # Oríon's default, 1000000000 (or infinity), means no limit: swift-orion's null.
    if max_trials is None or (isinstance(max_trials, float) and math.isinf(max_trials)) or max_trials >= 1000000000:
        max_trials = None
    experiment = {
        "id": experiment_id(config),
        "name": config["name"],
        "version": int(config.get("version") or 1),
        "space": flat_space(config.get("space") or {}, typed=metadata.get("priors")),
        "algorithm": algorithm_of(config),
        "maxBroken": int(config.get("max_broken") or 3),
        "metadata": {
            "user": metadata.get("user") or "unknown",
            "datetime": seconds(metadata.get("datetime")) or 0.0,
            "orionVersion": str(metadata.get("orion_version") or "unknown"),
            "userArgs": [str(arg) for arg in metadata.get("user_args") or []],
        },
    }
    if max_trials is not None:
        experiment["maxTrials"] = int(max_trials)
    refers = convert_refers(config, ids or {})
    if refers:
        experiment["refers"] = refers
    if config.get("working_dir"):
        experiment["workingDir"] = config["working_dir"]
    if metadata.get("user_script"):
        experiment["metadata"]["userScript"] = metadata["user_script"]
        start = start_directory(experiment["metadata"]["userArgs"], metadata["user_script"])
        if start:
            experiment["metadata"]["startDirectory"] = start
    return experiment


def convert_result(result):
    """One of Oríon's results; `"number"` keeps the kind of a whole number (docs/dump-format.md): `int` for an
    integer objective or constraint, `float` for a whole float statistic."""
    value = plain(result.value)
    converted = {"name": result.name, "type": result.type, "value": value}
    if result.type in ("objective", "constraint") and isinstance(value, int) and not isinstance(value, bool):
        converted["number"] = "int"
    elif result.type == "statistic" and isinstance(value, float) and value.is_integer():
        converted["number"] = "float"
    return converted


def convert_trial(trial, experiment):
    """One of Oríon's `Trial` objects as swift-orion's `Trial` (its id is computed again when loaded)."""
    converted = {
        "id": trial.id,
        "experimentID": experiment["id"],
        "params": [
            {"name": param.name, "type": param.type, "value": plain(param.value)}
            for param in sorted(trial._params, key=lambda param: param.name)
        ],
        "status": trial.status,
        "results": [convert_result(result) for result in trial.results if result.type != "lie"],
        "submitTime": seconds(trial.submit_time) or experiment["metadata"]["datetime"],
    }
    for key, value in (
        ("startTime", seconds(trial.start_time)),
        ("endTime", seconds(trial.end_time)),
        ("heartbeat", seconds(trial.heartbeat)),
        ("parent", trial.parent),
    ):
        if value is not None:
            converted[key] = value
    return converted


def open_storage(arguments):
    """Oríon's storage for the database given on the command line."""
    from orion.storage.base import setup_storage

    if arguments.pickleddb:
        database = {"type": "pickleddb", "host": arguments.pickleddb}
    else:
        database = {"type": "mongodb", "host": arguments.mongodb, "name": arguments.db_name}
    return setup_storage({"type": "legacy", "database": database})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--pickleddb", metavar="PATH", help="an Oríon PickledDB file (orion_db.pkl)")
    source.add_argument("--mongodb", metavar="URI", help="a MongoDB host or mongodb:// URI")
    parser.add_argument("--db-name", default="orion", help="the MongoDB database name (default: orion)")
    parser.add_argument("-n", "--name", help="only this experiment (all its versions)")
    parser.add_argument("-o", "--output", required=True, help="the dump file to write")
    arguments = parser.parse_args(argv)

    warnings.simplefilter("ignore")
    try:
        import orion.core
    except ImportError:
        sys.exit(
            "error: Oríon is not installed for %s: run this script with the Python that has orion==0.2.7 "
            "(scripts/services/orion-venv.sh creates one)" % sys.executable
        )
    storage = open_storage(arguments)
    query = {"name": arguments.name} if arguments.name else {}
    configs = sorted(storage.fetch_experiments(query), key=lambda config: (config["name"], config.get("version", 1)))
    if arguments.name and not configs:
        sys.exit("error: no experiment named %r in the Oríon database" % arguments.name)
    # Every experiment's imported id, for the parents of the versions (a branch's parent may have another name).
    ids = {config["_id"]: experiment_id(config) for config in storage.fetch_experiments({})}
    experiments = []
    for config in configs:
        experiment = convert_experiment(config, ids)
        trials = storage.fetch_trials(uid=config["_id"])
        trials = sorted(trials, key=lambda trial: seconds(trial.submit_time) or 0.0)
        experiments.append({"experiment": experiment, "trials": [convert_trial(t, experiment) for t in trials]})
    dump = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "written_by": "orion %s (scripts/import-orion.py)" % orion.core.__version__,
        "created": datetime.datetime.now(datetime.timezone.utc).timestamp(),
        "experiments": experiments,
    }
    with open(arguments.output, "w") as output:
        json.dump(dump, output, indent=2, sort_keys=True)
    count = sum(len(entry["trials"]) for entry in experiments)
    print("Exported %d experiment(s) and %d trial(s) to %s" % (len(experiments), count, arguments.output))


if __name__ == "__main__":
    main()
