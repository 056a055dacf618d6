#!/usr/bin/env bash
# Merges every export waiting in this directory into ../c6-weight-sweep.runs.json and builds the
# sweep's report from it, once all six shards are in. Run it from any directory with the current
# build (mvn -B package -DskipTests); then delete the merged files here (git rm) and commit.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
dir=docs/results/c6-weight-sweep
source docs/results/pending.sh
stage_pending "$dir"
committed=()
[ -f "$dir/c6-weight-sweep.runs.json" ] && committed=("$dir/c6-weight-sweep.runs.json")
export GRADREG_WORK_DIR=$tmp/store
bin/gradreg import "${committed[@]}" "$tmp"/*.runs.json | grep -v '^  note:'
# a report exits 1 while runs of the plan are missing: merge only a complete sweep
if ! bin/gradreg report --experiment c6-weight-sweep -f csv > /dev/null; then
  echo "the sweep is not complete yet: nothing written (gradreg report lists the missing runs)" >&2
  exit 1
fi
bin/gradreg export --experiment c6-weight-sweep -o "$dir/c6-weight-sweep.runs.json"
unset GRADREG_WORK_DIR
bash docs/results/rebuild-reports.sh "$dir"
echo "merged: ${files[*]}"
