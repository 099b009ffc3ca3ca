#!/usr/bin/env bash
# Set up on first use (with the test tools), then lint, type-check and run the whole test suite.
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test,video
lint=()
for d in src tests benchmarks validation; do [ -d "$d" ] && lint+=("$d"); done
.venv/bin/ruff check "${lint[@]}"
.venv/bin/mypy
.venv/bin/lint-imports --config .importlinter  # the layer order of docs/architecture.md
.venv/bin/python -m pytest -m "slow or not slow" "$@"  # every test, the slow ones included
