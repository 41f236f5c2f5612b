#!/usr/bin/env bash
# Headless Chromium and its WebDriver from Debian's packages, and Python's selenium in a virtualenv, for the
# dashboard's browser tests (Tests/Browser/, driven by BrowserEndToEndTests) and scripts/bench-serve.
#
# Usage: scripts/services/browser.sh [VENV_DIR]   (default /tmp/orion-browser-venv)
# Prints the venv's python on the last line of stdout when ready; exits non-zero, saying why, otherwise.
#
# Idempotent: installed packages and a venv whose python imports selenium are reused as they are. Installing needs
# root (apt-get); without it, and without chromium already installed, it fails with the reason.
set -euo pipefail
VENV=${1:-${ORION_BROWSER_VENV:-/tmp/orion-browser-venv}}
SELENIUM_VERSION=${ORION_SELENIUM_VERSION:-4.27.1}
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "browser.sh: chromium and chromium-driver are not installed and installing them needs root (apt-get)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || { echo "browser.sh: apt-get update failed" >&2; exit 1; }
    apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null \
        || { echo "browser.sh: apt-get install chromium chromium-driver failed" >&2; exit 1; }
fi
PY=${PYTHON:-$(command -v python3 || true)}
[ -n "$PY" ] || { echo "browser.sh: no python3 on PATH" >&2; exit 1; }
check() { "$VENV/bin/python" -c 'import selenium.webdriver' >/dev/null 2>&1; }
if ! { [ -x "$VENV/bin/python" ] && check; }; then
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" || { echo "browser.sh: cannot create $VENV" >&2; exit 1; }
    "$VENV/bin/python" -m pip --disable-pip-version-check -q install "selenium==$SELENIUM_VERSION" \
        || { echo "browser.sh: pip install selenium==$SELENIUM_VERSION failed" >&2; exit 1; }
    check || { echo "browser.sh: selenium does not import in $VENV" >&2; exit 1; }
fi
echo "$VENV/bin/python"
