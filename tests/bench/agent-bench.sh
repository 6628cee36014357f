#!/usr/bin/env bash
# Agent benchmark (docs/benchmarks-agents.md): prompt -> answer time of the real Codex and Claude Code CLIs under
# Coven (`coven send --submit` + `coven wait --for`) against the same CLI in tmux (send-keys + capture-pane
# polling), same run, same scripted model endpoint on 127.0.0.1 (tests/Coven.ModelEndpoint), so the model answers
# at once and what is measured is the harness plus the terminal layer around it.
# Needs: tmux, the .NET SDK, the pinned CLIs in .tools (test.sh installs them).
# Usage: tests/bench/agent-bench.sh [turns per harness (default 5)] [results.md]
#   COVEN_BENCH_BIN=<folder with coven, covend, coven-lane>  reuse a build instead of a Release build
set -euo pipefail
cd "$(dirname "$0")/../.."
turns=${1:-5}
out=${2:-/tmp/coven-agent-bench.md}
tools=$PWD/.tools/node_modules/.bin
for h in codex claude; do [ -x "$tools/$h" ] || { echo "missing $tools/$h (run test.sh once)" >&2; exit 1; }; done

# As shipped (and as tests/bench/cli-bench.sh measures): the NativeAOT coven CLI (a JIT CLI adds ~0.7 s of start-up
# per call on this machine, twice per turn), the NativeAOT lane, a Release daemon.
if [ -n "${COVEN_BENCH_BIN:-}" ]; then
  bin=$COVEN_BENCH_BIN coven=$bin/coven lane=$bin/coven-lane
else
  bin=/tmp/coven-agent-bench-bin
  dotnet publish src/Coven.Cli -c Release -o "$bin/cli-aot" -p:OutDir="$bin/cli-obj/" -nologo -v q >/dev/null
  dotnet build src/Coven.Daemon -c Release -p:OutDir="$bin/" -nologo -v q >/dev/null
  dotnet publish src/Coven.Lane -c Release -o "$bin/lane-aot" -p:OutDir="$bin/lane-obj/" -nologo -v q >/dev/null
  coven=$bin/cli-aot/coven lane=$bin/lane-aot/coven-lane
fi
dotnet build tests/Coven.ModelEndpoint -c Release -nologo -v q >/dev/null
endpoint_dll=tests/Coven.ModelEndpoint/bin/Release/net10.0/Coven.ModelEndpoint.dll

work=$(mktemp -d /tmp/cvn-abench-XXXX)
mkdir -p "$work/h" "$work/u" "$work/proj" && chmod 700 "$work/h"
export COVEN_HOME=$work/h COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$lane HOME=$work/u
export PATH="$tools:$PATH"
unset ANTHROPIC_API_KEY OPENAI_API_KEY TMUX TMUX_PANE
tsock=$work/tmux.sock
repos=()
for tool in coven tmux; do for h in codex claude; do
  r=$work/proj/$tool-$h; mkdir -p "$r"; git -C "$r" init -q; repos+=(--trust "$r")
done; done

# The endpoint runs until its stdin closes (the fifo's writer is this script's fd 9).
mkfifo "$work/ep.in"
dotnet "$endpoint_dll" --homes "$work" --projects "$work/proj" "${repos[@]}" <"$work/ep.in" >"$work/ep.out" &
ep_pid=$!
exec 9>"$work/ep.in"

cleanup() {
  for id in $($coven sessions --status live,pending --quiet 2>/dev/null); do $coven kill "$id" --signal KILL >/dev/null 2>&1 || true; done
  $coven daemon stop >/dev/null 2>&1 || true
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  exec 9>&- || true
  wait "$ep_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 200); do grep -q '^READY$' "$work/ep.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^READY$' "$work/ep.out" || { echo "the endpoint did not start" >&2; exit 1; }
tenv=()
while IFS= read -r line; do
  case "$line" in BASE=*|READY) ;; *=*) export "${line?}"; tenv+=(-e "$line") ;; esac
done <"$work/ep.out"

$coven daemon start >/dev/null
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%d", m}'; }

# Waits until the tmux pane shows $2 (fixed string), polling every 10 ms; fails after 60 s.
tmux_wait() {
  local deadline=$(( $(now_ms) + 60000 ))
  until tmux -S "$tsock" capture-pane -p -t "$1" | grep -qF -- "$2"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "tmux pane $1: '$2' did not appear" >&2; tmux -S "$tsock" capture-pane -p -t "$1" >&2; return 1; }
    sleep 0.01
  done
}

declare -A times
for h in codex claude; do
  id=$($coven run "$h" --detach --root "$work/proj/coven-$h")
  $coven wait "$id" --for "for shortcuts" --timeout 60s >/dev/null
  tmux -S "$tsock" new-session -d -s "$h" -x 120 -y 40 -c "$work/proj/tmux-$h" -e HOME="$HOME" -e PATH="$PATH" -e TERM=xterm-256color "${tenv[@]}" "$tools/$h" $([ "$h" = codex ] && echo --no-daemon)
  tmux_wait "$h" "for shortcuts"
  markers=""
  for i in $(seq 1 "$turns"); do
    markers="${markers:+$markers,}mk-t$i"
    expect="ANSWER turns=$i markers=$markers"

    t0=$(now_ms)
    $coven send "$id" --submit "mk-t$i turn $i" >/dev/null 2>&1
    $coven wait "$id" --for "$expect" --timeout 60s >/dev/null
    times[coven-$h]+="$(( $(now_ms) - t0 )) "

    # The same typing as --submit: the text, a pause so no paste heuristic joins it with Enter, then Enter.
    t0=$(now_ms)
    tmux -S "$tsock" send-keys -t "$h" -l "mk-t$i turn $i"
    sleep 0.15
    tmux -S "$tsock" send-keys -t "$h" Enter
    tmux_wait "$h" "$expect"
    times[tmux-$h]+="$(( $(now_ms) - t0 )) "
  done
  $coven kill "$id" >/dev/null 2>&1
done

{
  echo "| Harness | Coven median (ms) | tmux median (ms) | Coven / tmux | turns |"
  echo "|---|---|---|---|---|"
  for h in codex claude; do
    c=$(tr ' ' '\n' <<<"${times[coven-$h]}" | grep . | median)
    t=$(tr ' ' '\n' <<<"${times[tmux-$h]}" | grep . | median)
    echo "| $h | $c | $t | $(awk -v c="$c" -v t="$t" 'BEGIN {printf "%.2f", c/t}') | $turns |"
  done
  echo
  for k in coven-codex tmux-codex coven-claude tmux-claude; do echo "- $k (ms): ${times[$k]}"; done
} | tee "$out"
