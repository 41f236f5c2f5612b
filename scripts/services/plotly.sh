#!/usr/bin/env bash
# Fetches plotly.js for the build: `orion plot -t html` and the dashboard inline it from the binary (C23 #embed in
# Sources/COrionAssets), so nothing is fetched at run time. Debian has no plotly.js package; PyPI's `plotly` wheel
# ships it as plotly/package_data/plotly.min.js. The file is not in the repository (.gitignore).
#
# Usage: scripts/services/plotly.sh        prints the path of the file on stdout when it is in place
#
# Idempotent: a file whose header names the pinned plotly.js version is kept as is. Without network or pip, it
# says so and exits 1; the build still works (html output then says how to get plotly.js).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
wheel_version="7.1.0"      # PyPI plotly (also in orion-0.2.7.lock)
js_version="4.1.1"         # the plotly.js it ships
target="$root/Sources/COrionAssets/assets/plotly.min.js"

if [ -f "$target" ] && head -c 200 "$target" | grep -q "plotly.js v$js_version"; then
    echo "$target"
    exit 0
fi
PY=${PYTHON:-$(command -v python3 || true)}
if [ -z "$PY" ]; then
    echo "plotly.sh: no python3 with pip to fetch plotly $wheel_version from PyPI" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$work" "plotly==$wheel_version" >&2 \
    || { echo "plotly.sh: pip could not download plotly==$wheel_version" >&2; exit 1; }
wheel="$(ls "$work"/plotly-"$wheel_version"-*.whl)"
"$PY" - "$wheel" "$work/plotly.min.js" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, open(sys.argv[2], "wb") as out:
    out.write(wheel.read("plotly/package_data/plotly.min.js"))
PY
head -c 200 "$work/plotly.min.js" | grep -q "plotly.js v$js_version" \
    || { echo "plotly.sh: the wheel's plotly.min.js is not plotly.js v$js_version" >&2; exit 1; }
mv "$work/plotly.min.js" "$target"
# The build's dependency file of plotly.c did not list the missing file: a newer plotly.c makes it recompile.
touch "$root/Sources/COrionAssets/plotly.c"
echo "$target"
