#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (README command 2; CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: promtool/amtool (Prometheus 2.42 / Alertmanager 0.25 on Debian 12) for the
# alert-rule tests, tmux for the terminal tests. No server is started.
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
if [ -f bench/run.py ]; then
  .venv/bin/python bench/run.py --quick
fi
