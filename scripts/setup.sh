#!/usr/bin/env bash
# Create .venv in the project root on first use and install stridelab into it (editable).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test,video (video adds mediapipe --no-deps)
# Re-installs only when pyproject.toml or the extras change.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1; then py="$c"; break; fi
  done
fi
[ -n "$py" ] || { echo "setup: Python 3.11 not found" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $py" >&2
  "$py" -m venv .venv
fi
want="$(sha256sum pyproject.toml | cut -d' ' -f1) ${extras}"
stamp=.venv/.stridelab-installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing stridelab${extras:+[$extras]} into .venv (first use takes a minute)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
  case ",$extras," in
    *,video,*) # the pose model ships inside this wheel; its declared dependencies must not come along
      .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps mediapipe==0.10.14 ;;
  esac
  echo "$want" > "$stamp"
fi
