#!/usr/bin/env bash
# What idle sessions cost while nobody looks (docs/benchmarks-cli.md): N sessions of a quiet harness (/bin/cat) with
# coven, and N tmux sessions of the same on a private server, in the same run; after they settle, the CPU time and
# voluntary context switches (wake-ups) over a window, and the resident memory at its end, of every lane, of the
# daemon holding them and of the tmux server. With DAEMON=stopped the daemons are stopped first and only the lanes are measured (as after
# `coven daemon stop`).
# Usage: tests/bench/lane-idle.sh [N] [seconds] [prefix ...]
#   prefix: an install prefix (./install.sh --prefix P) to measure; several are measured side by side (e.g. a
#   previous build's). Default: ./install.sh into a temp prefix.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10}
window=${2:-30}
shift $(( $# >= 2 ? 2 : $# ))
prefixes=("$@")
if [ ${#prefixes[@]} -eq 0 ]; then
  prefixes=(/tmp/coven-bench-prefix)
  ./install.sh --prefix /tmp/coven-bench-prefix -q
fi

work=$(mktemp -d /tmp/cvn-idle-XXXX)
tsock=$work/tmux.sock
cleanup() {
  for i in "${!prefixes[@]}"; do
    COVEN_HOME=$work/h$i "${prefixes[$i]}/bin/coven" daemon start >/dev/null 2>&1 || true
    for id in $(COVEN_HOME=$work/h$i "${prefixes[$i]}/bin/coven" sessions --status live,pending --quiet 2>/dev/null); do
      COVEN_HOME=$work/h$i "${prefixes[$i]}/bin/coven" kill "$id" --signal KILL >/dev/null 2>&1 || true
    done
    COVEN_HOME=$work/h$i "${prefixes[$i]}/bin/coven" daemon stop >/dev/null 2>&1 || true
  done
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for i in "${!prefixes[@]}"; do
  export COVEN_HOME=$work/h$i
  mkdir -p "$COVEN_HOME" && chmod 700 "$COVEN_HOME"
  printf '{"harnesses":[{"id":"quiet","executable":"/bin/cat","promptArgs":[]}]}\n' > "$COVEN_HOME/harnesses.json"
  "${prefixes[$i]}/bin/coven" daemon start >/dev/null
  for s in $(seq "$n"); do "${prefixes[$i]}/bin/coven" run quiet --detach --root "$work" --title "idle $s" >/dev/null; done
  if [ "${DAEMON:-running}" = stopped ]; then "${prefixes[$i]}/bin/coven" daemon stop >/dev/null; fi
done
unset COVEN_HOME
for s in $(seq "$n"); do tmux -S "$tsock" new-session -d -s "s$s" cat; done

# The quiet harness prints nothing, so every session is idle (or never had output) after the default 3 s.
sleep 5

# pid, group, CPU ticks (utime+stime) and voluntary context switches summed over the process's threads.
snapshot() {
  local p
  # Only this run's lanes (their --home is under $work), never the user's own sessions.
  for p in $(pgrep -f "coven-lane .*--home $work/h") $(pgrep -f "covend --home $work/h") $(pgrep -f "tmux -S $tsock" | head -1); do
    [ -r "/proc/$p/stat" ] || continue
    local group
    group=$(readlink "/proc/$p/exe")
    [ "$(basename "$group")" = tmux ] && group="tmux server ($n sessions)"
    [ "$(basename "$group")" = covend ] && group="$group ($n sessions)"
    local ticks switches=0 f
    ticks=$(awk '{print $14 + $15}' "/proc/$p/stat")
    for f in /proc/"$p"/task/*/status; do switches=$((switches + $(awk '/^voluntary_ctxt_switches/ {print $2}' "$f" 2>/dev/null || echo 0))); done
    local rss
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status")
    echo "$p|$group|$ticks|$switches|$rss"
  done
}
snapshot > "$work/a"
sleep "$window"
snapshot > "$work/b"
python3 - "$work/a" "$work/b" "$window" "$(getconf CLK_TCK)" <<'PY'
import sys
before = {l.split('|')[0]: l.strip().split('|') for l in open(sys.argv[1])}
window, hz = float(sys.argv[3]), float(sys.argv[4])
groups = {}
for line in open(sys.argv[2]):
    pid, group, ticks, switches, rss = line.strip().split('|')
    if pid not in before:
        continue
    g = groups.setdefault(group, [0, 0, 0, 0])
    g[0] += 1
    g[1] += int(ticks) - int(before[pid][2])
    g[2] += int(switches) - int(before[pid][3])
    g[3] += int(rss)
print(f"| process | processes | CPU per process (ms/s) | wake-ups per process (/s) | RSS per process (MiB) |\n|---|---:|---:|---:|---:|")
for group, (count, ticks, switches, rss) in sorted(groups.items()):
    print(f"| {group} | {count} | {ticks * 1000 / hz / count / window:.2f} | {max(switches, 0) / count / window:.1f} | {rss / 1024 / count:.1f} |")
PY
