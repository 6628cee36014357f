#!/usr/bin/env bash
# Two builds of `coven` (e.g. main and a branch, both `dotnet publish src/Coven.Cli -c Release -o DIR`) in the same
# run against one daemon with 10 live sessions (CJK/emoji titles), tmux as the peer (docs/benchmarks-cli.md).
# Daemon and lane from BIN_DIR (default: artifacts/bin/Debug), the same for both CLIs. Needs hyperfine, tmux.
set -euo pipefail
base=${1:?usage: cli-compare.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
new=${2:?usage: cli-compare.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
bin=${3:-$(cd "$(dirname "$0")/../.." && pwd)/artifacts/bin/Debug}
work=$(mktemp -d /tmp/cvn-cmp-XXXX)
export COVEN_HOME=$work/h COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$bin/coven-lane
mkdir -p "$COVEN_HOME" && chmod 700 "$COVEN_HOME"
printf '{"harnesses":[{"id":"trivial","executable":"/bin/cat","promptArgs":[]}]}\n' > "$COVEN_HOME/harnesses.json"
tsock=$work/tmux.sock
cleanup() {
  for id in $($new sessions --status live,pending --quiet 2>/dev/null); do $new kill "$id" --signal KILL >/dev/null 2>&1 || true; done
  $new daemon stop >/dev/null 2>&1 || true
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
$new daemon start
for i in $(seq 1 10); do
  $new run trivial --detach --root "$work" --title "bench $i 修复测试 🚀" >/dev/null
  tmux -S "$tsock" new-session -d -s "s$i" cat
done
for round in 1 2 3; do for i in $(seq 1 100); do $new sessions --json >/dev/null; done; done
hyperfine -N --warmup 20 --runs 200 "$base --version" "$new --version" "tmux -V"
hyperfine -N --warmup 20 --runs 200 "$base sessions --json" "$new sessions --json" "tmux -S $tsock list-sessions"
hyperfine -N --warmup 20 --runs 200 "$base sessions" "$new sessions"
