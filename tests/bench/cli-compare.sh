#!/usr/bin/env bash
# Two builds of `coven` (e.g. main and a branch, both `dotnet publish src/Coven.Cli -c Release -o DIR`) in the same
# run against one daemon with 10 live sessions (CJK/emoji titles), tmux as the peer (docs/benchmarks-cli.md).
# Daemon and lane from BIN_DIR (default: artifacts/bin/Debug), the same for both CLIs. Needs hyperfine, tmux.
set -euo pipefail
base=${1:?usage: cli-compare.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
new=${2:?usage: cli-compare.sh BEFORE_COVEN AFTER_COVEN [BIN_DIR]}
bin=${3:-$(cd "$(dirname "$0")/../.." && pwd)/artifacts/bin/Debug}
export COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$bin/coven-lane
coven=$new
. "$(dirname "$0")/bench-home.sh"
$new daemon start
bench_sessions 10 "bench 修复测试 🚀"
for round in 1 2 3; do for i in $(seq 1 100); do $new sessions --json >/dev/null; done; done
hyperfine -N --warmup 20 --runs 200 "$base --version" "$new --version" "tmux -V"
hyperfine -N --warmup 20 --runs 200 "$base sessions --json" "$new sessions --json" "tmux -S $tsock list-sessions"
hyperfine -N --warmup 20 --runs 200 "$base sessions" "$new sessions"
