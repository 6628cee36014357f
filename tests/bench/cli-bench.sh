#!/usr/bin/env bash
# CLI benchmarks (docs/benchmarks-cli.md): the NativeAOT `coven` against tmux, same machine, same run.
#   1. `coven sessions --json` with 10 live sessions  vs  `tmux list-sessions` with 10 sessions
#      (the daemon, a long-running JIT process, is first brought to steady state with 500 list requests)
#   2. `coven run --detach` of a trivial harness until it is live  vs  `tmux new-session -d`
# Needs: hyperfine (apt-get install -y hyperfine), tmux, the .NET SDK with gcc (NativeAOT).
# Usage: tests/bench/cli-bench.sh [results.md]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/coven-cli-bench.md}

aot=/tmp/coven-aot
dotnet publish src/Coven.Cli -c Release -o "$aot" -p:OutDir=/tmp/coven-aot-obj/ -nologo -v q >/dev/null
# A separate output folder: the AOT publish above leaves a self-contained runtime in artifacts/bin/Release.
bin=/tmp/coven-rel
dotnet build src/Coven.Daemon -c Release -p:OutDir="$bin/" -nologo -v q >/dev/null
# The lane as shipped: NativeAOT (it starts once per session, so its start-up is part of "until live").
dotnet publish src/Coven.Lane -c Release -o "$bin/lane-aot" -p:OutDir="$bin/lane-obj/" -nologo -v q >/dev/null

work=$(mktemp -d /tmp/cvn-bench-XXXX)
export COVEN_HOME=$work/h
export COVEN_DAEMON_PATH=$bin/covend
export COVEN_LANE_PATH=${COVEN_LANE_PATH:-$bin/lane-aot/coven-lane}
mkdir -p "$COVEN_HOME" && chmod 700 "$COVEN_HOME"
printf '{"harnesses":[{"id":"trivial","executable":"/bin/cat","promptArgs":[]}]}\n' > "$COVEN_HOME/harnesses.json"
tsock=$work/tmux.sock
coven=$aot/coven

cleanup() {
  for id in $($coven sessions --status live,pending --quiet 2>/dev/null); do $coven kill "$id" --signal KILL >/dev/null 2>&1 || true; done
  $coven daemon stop >/dev/null 2>&1 || true
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

$coven daemon start
for i in $(seq 1 10); do
  $coven run trivial --detach --root "$work" --title "bench $i" >/dev/null
  tmux -S "$tsock" new-session -d -s "s$i" cat
done
echo "coven sessions: $($coven sessions --quiet | wc -l); tmux sessions: $(tmux -S "$tsock" list-sessions | wc -l)"

# covend is a long-running JIT process: bring its list path to steady state (tiered JIT promotes hot methods
# after enough calls and a quiet moment) before timing, as it is after minutes of use.
for round in 1 2 3 4 5; do
  for i in $(seq 1 100); do $coven sessions --json >/dev/null; done
  sleep 0.3
done

hyperfine -N --warmup 20 --runs 300 \
  --export-markdown "$work/list.md" \
  "$coven sessions --json" \
  "tmux -S $tsock list-sessions"

hyperfine -N --warmup 3 --runs 40 \
  --export-markdown "$work/new.md" \
  "$coven run trivial --detach --root $work" \
  "tmux -S $tsock new-session -d cat"

{
  echo "### sessions listing (10 sessions)"
  cat "$work/list.md"
  echo
  echo "### new detached session until live"
  cat "$work/new.md"
} | sed "s|$work|\$WORK|g" > "$out"
cat "$out"
