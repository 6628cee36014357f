# Sourced by the CLI benchmark scripts: a temp COVEN_HOME with a trivial harness (/bin/cat), a private tmux server
# as the peer, and a cleanup trap that kills what the run started. Before sourcing, set `coven` to the CLI that
# starts and stops the daemon. After: $work (temp dir), $tsock (tmux socket); `bench_sessions N TITLE` starts N
# coven sessions and N tmux sessions.
work=$(mktemp -d /tmp/cvn-bench-XXXX)
export COVEN_HOME=$work/h
mkdir -p "$COVEN_HOME" && chmod 700 "$COVEN_HOME"
printf '{"harnesses":[{"id":"trivial","executable":"/bin/cat","promptArgs":[]}]}\n' > "$COVEN_HOME/harnesses.json"
tsock=$work/tmux.sock

bench_cleanup() {
  for id in $($coven sessions --status live,pending --quiet 2>/dev/null); do $coven kill "$id" --signal KILL >/dev/null 2>&1 || true; done
  $coven daemon stop >/dev/null 2>&1 || true
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap bench_cleanup EXIT

bench_sessions() {
  local n=$1 title=$2 i
  for i in $(seq 1 "$n"); do
    $coven run trivial --detach --root "$work" --title "$title $i" >/dev/null
    tmux -S "$tsock" new-session -d -s "s$i" cat
  done
  echo "coven sessions: $($coven sessions --quiet | wc -l); tmux sessions: $(tmux -S "$tsock" list-sessions | wc -l)"
}
