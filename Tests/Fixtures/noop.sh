#!/bin/sh
# Does nothing but report its second argument (the value of -x) as the objective: the cheapest possible trial.
printf '[{"name": "o", "type": "objective", "value": %s}]\n' "$2" >"$ORION_RESULTS_PATH"
