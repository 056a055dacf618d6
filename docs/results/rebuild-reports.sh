#!/usr/bin/env bash
# Rebuilds every committed report (report.md, .csv, .json, .html) from its runs file alone, with the
# current build (mvn -B package -DskipTests first), in a throw-away store. Run from the repository's
# top directory: bash docs/results/rebuild-reports.sh [job directory ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(docs/results/c2-dropout-batchnorm docs/results/c6-jacobian-norms docs/results/c4-train-size)
for dir in "${dirs[@]}"; do
  runs=$(ls "$dir"/*.runs.json)
  experiment=$(basename "$runs" .runs.json)
  store=$(mktemp -d)
  export GRADREG_WORK_DIR=$store
  bin/gradreg import "$runs" >/dev/null
  # a report exits 1 while runs of the plan are missing (C4 grows shard by shard); it is written all the same
  for format in md csv json; do
    bin/gradreg report --experiment "$experiment" -f "$format" > "$dir/report.$format" || [ $? -eq 1 ]
  done
  html=$(bin/gradreg report --experiment "$experiment" -f html || [ $? -eq 1 ])
  cp "$(ls "$store"/reports/*/report.html | head -1)" "$dir/report.html"
  rm -rf "$store"
  echo "$dir: report.md, report.csv, report.json, report.html from $runs"
done
# the README's pictures of C6's and C4's reports, as Chromium draws them, when they were rebuilt
# (skipped where there is no Chromium)
for dir in "${dirs[@]}"; do
  case "$(basename "$dir")" in
    c6-jacobian-norms) picture=docs/report-c6.png ;;
    c4-train-size) picture=docs/report-c4.png ;;
    *) continue ;;
  esac
  if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
      --screenshot="$picture" "file://$PWD/$dir/report.html" 2>/dev/null | tail -n 1
  fi
done
