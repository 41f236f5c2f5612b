#!/usr/bin/env bash
# Creates (or reuses) a virtualenv with the real Oríon 0.2.7 from PyPI, for the compatibility tests
# (`scripts/import-orion.py` against PickledDB files that Oríon itself wrote).
#
# Usage: scripts/services/orion-venv.sh [VENV_DIR]   (default /tmp/orion-0.2.7-venv)
# Prints the venv's python on the last line of stdout when it is ready; exits non-zero otherwise.
#
# Idempotent: a venv whose python already imports Oríon 0.2.7's client and storage is reused as is (a second
# call only imports Oríon: 21.8 s measured on a loaded machine). Creating it took 7.3 min there (load 15 on
# 2 cores). Pins: Oríon 0.2.7 installs on Python 3.11 only with pip 24.3.1 (newer pip
# refuses its sdist) and setuptools 80.10.2 (newer setuptools lacks `pkg_resources`); every other package is
# constrained to the versions in shared/bench/peers/requirements.lock (copied to scripts/services/orion-0.2.7.lock
# so that the repository stands alone).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
VENV=${1:-${ORION_VENV:-/tmp/orion-0.2.7-venv}}
PY=${PYTHON:-$(command -v python3.11 || command -v python3 || true)}
if [ -z "$PY" ]; then
    echo "orion-venv: no python3.11 or python3 on PATH" >&2
    exit 1
fi
check() {
    "$VENV/bin/python" -W ignore -c \
        'import orion.core, orion.client, orion.storage.base, sys; sys.exit(orion.core.__version__ != "0.2.7")' \
        >/dev/null 2>&1
}
if [ -x "$VENV/bin/python" ] && check; then
    echo "$VENV/bin/python"
    exit 0
fi
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
    || echo "orion-venv: warning: Oríon 0.2.7's pins were resolved on Python 3.11; $PY may not install them" >&2
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install 'pip==24.3.1'
"${PIP[@]}" install 'setuptools==80.10.2' 'wheel==0.48.0'
# typing_extensions: imported by orion.core.worker.experiment but not among Oríon's declared dependencies.
"${PIP[@]}" install -c "$here/orion-0.2.7.lock" 'orion==0.2.7' typing_extensions
check || { echo "orion-venv: orion 0.2.7 does not import in $VENV" >&2; exit 1; }
echo "$VENV/bin/python"
