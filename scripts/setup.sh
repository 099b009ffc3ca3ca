#!/usr/bin/env bash
# Create .venv in the project root on first use and install stridelab into it (editable).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test
# The default install includes video: OpenCV, PyAV and the pose model (mediapipe 0.10.14, installed
# --no-deps; its wheel bundles the model weights, so nothing is downloaded at run time).
# Re-installs only when pyproject.toml or the extras change. pip's output goes to
# .venv/pip-install.log and is shown only when the installation fails.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1; then py="$c"; break; fi
  done
fi
[ -n "$py" ] || { echo "setup: Python 3.11 not found; install it or set PYTHON=/path/to/python3.11" >&2; exit 1; }
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "setup: $py is Python $("$py" -c 'import platform; print(platform.python_version())'); stridelab needs 3.11 or newer (set PYTHON=...)" >&2
  exit 1
}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $py" >&2
  "$py" -m venv .venv || { echo "setup: could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
fi
want="$(sha256sum pyproject.toml | cut -d' ' -f1) ${extras} mediapipe==0.10.14"
stamp=.venv/.stridelab-installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing stridelab${extras:+[$extras]} into .venv (first use takes a minute)" >&2
  log=.venv/pip-install.log
  pip_q=(-q --disable-pip-version-check)
  install() {
    .venv/bin/python -m pip install "${pip_q[@]}" --upgrade pip &&
      .venv/bin/python -m pip install "${pip_q[@]}" -e ".${extras:+[$extras]}" &&
      # the pose model ships inside this wheel; its declared dependencies must not come along
      .venv/bin/python -m pip install "${pip_q[@]}" --no-deps mediapipe==0.10.14
  }
  if ! install >"$log" 2>&1; then
    tail -n 25 "$log" >&2
    echo "setup: installation failed (full log: $log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
