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
