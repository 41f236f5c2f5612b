#!/usr/bin/env python3
"""A test script for PythonLineEvaluator: `line_echo.py --serve` doubles "x", replies an error for "fail",
writes a non-JSON line for "garble", and exits with status 3 for "exit". Logs go to standard error."""
import json
import sys

if "--serve" not in sys.argv:
    sys.exit("usage: line_echo.py --serve")
for line in sys.stdin:
    request = json.loads(line)
    print("got", request, file=sys.stderr, flush=True)
    if request.get("exit"):
        print("exiting on request", file=sys.stderr, flush=True)
        sys.exit(3)
    if request.get("fail"):
        reply = {"error": "asked to fail"}
    elif request.get("garble"):
        print("not json", flush=True)
        continue
    else:
        reply = {"value": 2 * request["x"], "argv": sys.argv[1:]}
    print(json.dumps(reply), flush=True)
