#!/usr/bin/env bash
# Create .venv (Python 3.11) and install hornet with every backend and the dev tools.
# Idempotent: re-installs only when pyproject.toml or constraints.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.hornet-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  # constraints.txt pins torch to its CPU wheel (and the JAX/TF versions CI uses).
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[all,dev]'
  echo "$want" > "$stamp"
fi
