#!/usr/bin/env bash
# Load-independent CLI comparison: instructions executed by two builds of `coven` (each a NativeAOT
# `dotnet publish src/Coven.Cli -c Release -o DIR`), counted with valgrind's callgrind, against one daemon with 10
# live sessions; tmux list-sessions counted the same way as the peer. Wall-clock times on a shared 2-core machine
# move with its load; instruction counts do not (docs/benchmarks-cli.md).
#   tests/bench/cli-instructions.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]
# Daemon and lane from BIN_DIR (default: artifacts/bin/Debug). Needs valgrind, tmux.
set -euo pipefail
base=${1:?usage: cli-instructions.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
new=${2:?usage: cli-instructions.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
bin=${3:-$(cd "$(dirname "$0")/../.." && pwd)/artifacts/bin/Debug}
command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq valgrind; } >/dev/null
export COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$bin/coven-lane
coven=$new
. "$(dirname "$0")/bench-home.sh"
# valgrind gives up on the .dbg file a NativeAOT publish puts next to the binary: count copies without it.
mkdir -p "$work/before" "$work/after" && cp "$base" "$work/before/coven" && cp "$new" "$work/after/coven"
base=$work/before/coven new=$work/after/coven coven=$new
$new daemon start >/dev/null
bench_sessions 10 "bench 修复测试 🚀"
# Warm the daemon's paths so both CLIs meet the same daemon state.
for i in $(seq 1 50); do $new sessions --json >/dev/null; done

# Instructions of the process itself (not of the daemon it talks to): callgrind's "Collected" total.
count() {
  local out=$work/cg.out
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$work/cg.err"
  grep -Eo 'Collected : [0-9]+' "$work/cg.err" | grep -Eo '[0-9]+'
}

printf '| Command | before (instructions) | after (instructions) | after / before |\n|---|---:|---:|---:|\n'
for args in "--version" "sessions --json" "sessions" "show bench"; do
  # shellcheck disable=SC2086
  b=$(count "$base" $args); a=$(count "$new" $args)
  awk -v c="coven $args" -v b="$b" -v a="$a" 'BEGIN { printf "| `%s` | %d | %d | %.3f |\n", c, b, a, a / b }'
done
t=$(count tmux -S "$tsock" list-sessions)
printf '| `tmux list-sessions` (10, the peer) | %d | | |\n' "$t"
