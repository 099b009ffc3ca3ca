#!/usr/bin/env bash
# Set up on first use, then analyse the bundled real example (runner RBDS001, treadmill 3.5 m/s):
# prints the summary table and writes out/demo/report.html, out/demo/result.json and out/demo/steps.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out/demo
.venv/bin/stridelab analyze examples/fukuchi2017/RBDS001runT35.c3d \
  --static examples/fukuchi2017/RBDS001static.c3d \
  --mass-kg 62 --height-m 1.81 \
  --json out/demo/result.json --csv out/demo/steps.csv --report out/demo/report.html
echo "open $(pwd)/out/demo/report.html in a browser (it works offline)"
