# Sourced by the pending/merge.sh scripts: copies every export waiting in $1/pending
# (*.runs-pending.json) into a fresh temporary directory as *.runs.json, for gradreg import.
# Sets files (the waiting files) and tmp (removed on exit); exits 1 when nothing waits.
stage_pending() {
  local dir=$1 f
  shopt -s nullglob
  files=("$dir"/pending/*.runs-pending.json)
  if [ ${#files[@]} -eq 0 ]; then
    echo "nothing waits in $dir/pending" >&2
    exit 1
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for f in "${files[@]}"; do
    cp "$f" "$tmp/$(basename "$f" .runs-pending.json).runs.json"
  done
}

# Sourced by a sweep's pending/merge.sh: merges the experiment $2's committed runs file in $1 (if
# any) and every export waiting in $1/pending into an empty store and, only when no run of the plan
# is missing, exports the merged experiment to $1/$2.runs.json and rebuilds its reports. A sweep
# reads its test images only after its selections, so it is merged whole or not at all: with a run
# missing it writes nothing, names the missing runs and exits 1.
merge_complete() {
  local dir=$1 experiment=$2
  local committed=()
  stage_pending "$dir"
  [ -f "$dir/$experiment.runs.json" ] && committed=("$dir/$experiment.runs.json")
  GRADREG_WORK_DIR=$tmp/store bin/gradreg import "${committed[@]}" "$tmp"/*.runs.json | grep -v '^  note:'
  # a report exits 1 while runs of the plan are missing: merge only a complete sweep
  if ! GRADREG_WORK_DIR=$tmp/store bin/gradreg report --experiment "$experiment" -f csv > /dev/null; then
    echo "$experiment is not complete yet: nothing written (gradreg report lists the missing runs)" >&2
    exit 1
  fi
  GRADREG_WORK_DIR=$tmp/store bin/gradreg export --experiment "$experiment" -o "$dir/$experiment.runs.json"
  bash docs/results/rebuild-reports.sh "$dir"
  echo "merged: ${files[*]}"
}
