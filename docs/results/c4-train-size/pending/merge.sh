#!/usr/bin/env bash
# Merges every export waiting in this directory into the committed C4 runs file, then rebuilds what
# is made from it: the reports (and the README's picture), R's fixture and the docs' tagged numbers
# (each rewritten number is printed: reread the words around it). Run it from any directory with
# the current build (mvn -B package -DskipTests) once a seed is complete in every cell; then delete
# the merged files here (git rm) and commit.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
dir=docs/results/c4-train-size
source docs/results/pending.sh
stage_pending "$dir"
# an empty store: the committed runs, then every waiting file (a run already present is skipped)
GRADREG_WORK_DIR=$tmp/store bin/gradreg import "$dir/c4-protocol.runs.json" "$tmp"/*.runs.json | grep -v '^  note:'
GRADREG_WORK_DIR=$tmp/store bin/gradreg export --experiment c4-protocol -o "$dir/c4-protocol.runs.json"
bash docs/results/rebuild-reports.sh "$dir"
# R's input is the committed runs; R recomputes its numbers; the claims test checks the Java against them
mvn -B -q -pl app test -Dtest='ClaimsAgainstRTest#theFixtureHoldsTheCommittedRuns' -Dgradreg.fixture.write=true \
  -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
(cd app/src/test/resources/claims-r && Rscript expected.R > expected.csv)
mvn -B -q -pl app test -Dtest=ClaimsAgainstRTest -Dsurefire.failIfNoSpecifiedTests=false
# the docs: generated blocks and tagged numbers rewritten, then checked
mvn -B -pl app test -Dtest=ResultsDocsTest -Dgradreg.docs.fill=true -Dsurefire.failIfNoSpecifiedTests=false \
  | grep -E ' -> |problems|^(docs|README)' || true
echo "merged: ${files[*]}"
