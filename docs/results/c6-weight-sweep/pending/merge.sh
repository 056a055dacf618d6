#!/usr/bin/env bash
# Merges every export waiting in this directory into ../c6-weight-sweep.runs.json and builds the
# sweep's report from it, once all six shards are in. Run it from any directory with the current
# build (mvn -B package -DskipTests); then delete the merged files here (git rm) and commit.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
source docs/results/pending.sh
merge_complete docs/results/c6-weight-sweep c6-weight-sweep
