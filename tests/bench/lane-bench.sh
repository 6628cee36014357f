#!/usr/bin/env bash
# Benchmarks of coven-lane against `script` and tmux on this machine, all in one run so the ratios are
# comparable (the absolute numbers move with the machine's load).
#
#   tests/bench/lane-bench.sh [lane-binary] [rounds]
#
# lane-binary defaults to a fresh NativeAOT publish of this checkout at /tmp/lane-aot/coven-lane.
set -euo pipefail
cd "$(dirname "$0")/../.."
LANE=${1:-/tmp/lane-aot/coven-lane}
ROUNDS=${2:-3}
DATA=/tmp/cvn-bench-data.txt
WORK=$(mktemp -d /tmp/cvn-bench-XXXX)
trap 'rm -rf "$WORK"' EXIT

if [ -z "${1:-}" ] || [ ! -x "$LANE" ]; then
  dotnet publish src/Coven.Lane -c Release -o "$(dirname "$LANE")" >/dev/null
fi
dotnet build tests/bench/LaneBench -c Release >/dev/null
BENCH=tests/bench/LaneBench/bin/Release/net10.0/LaneBench

# ~50 MB of text: random bytes, base64 encoded (76-column lines).
[ -f "$DATA" ] || head -c 37500000 /dev/urandom | base64 > "$DATA"
# What a terminal delivers: the line discipline turns each \n into \r\n.
EXPECTED=$(( $(wc -c < "$DATA") + $(wc -l < "$DATA") ))
echo "payload: $DATA, $(wc -c < "$DATA") bytes ($EXPECTED through a PTY); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for round in $(seq 1 "$ROUNDS"); do
  # script: PTY -> file
  t0=$(now); script -q -c "cat $DATA" "$WORK/script.out" >/dev/null </dev/null; t1=$(now)
  s_script=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

  # tmux: pane -> pipe-pane -> file; the pane waits until the pipe is attached
  sock="$WORK/tmux.sock"
  tmux -S "$sock" new-session -d -s b -x 120 -y 40 "tmux -S $sock wait-for go; cat $DATA; tmux -S $sock wait-for -S done"
  tmux -S "$sock" pipe-pane -t b -o "cat > $WORK/tmux.out"
  t0=$(now); tmux -S "$sock" wait-for -S go; tmux -S "$sock" wait-for done
  while [ "$(stat -c %s "$WORK/tmux.out")" -lt "$EXPECTED" ]; do sleep 0.01; done; t1=$(now)
  tmux -S "$sock" kill-server 2>/dev/null || true
  s_tmux=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

  # coven-lane: PTY -> terminal filter/screen -> output events committed in SQLite (handshake -> exit committed)
  lane_json=$("$BENCH" throughput "$LANE" "$DATA")
  s_lane=$(echo "$lane_json" | sed -E 's/.*"secondsFromHandshake":([0-9.]+).*/\1/')
  bytes=$(echo "$lane_json" | sed -E 's/.*"recordedBytes":([0-9]+).*/\1/')
  [ "$bytes" -eq "$EXPECTED" ] || { echo "lane recorded $bytes bytes, expected $EXPECTED" >&2; exit 1; }

  echo "round $round: script $(mbps "$EXPECTED" "$s_script") MB/s, tmux $(mbps "$EXPECTED" "$s_tmux") MB/s, lane $(mbps "$EXPECTED" "$s_lane") MB/s  ($lane_json)"
  echo "$s_script" >> "$WORK/script.t"; echo "$s_tmux" >> "$WORK/tmux.t"; echo "$s_lane" >> "$WORK/lane.t"
done

m_script=$(median < "$WORK/script.t"); m_tmux=$(median < "$WORK/tmux.t"); m_lane=$(median < "$WORK/lane.t")
echo "median: script $(mbps "$EXPECTED" "$m_script") MB/s, tmux $(mbps "$EXPECTED" "$m_tmux") MB/s, lane $(mbps "$EXPECTED" "$m_lane") MB/s"
awk -v s="$m_script" -v t="$m_tmux" -v l="$m_lane" 'BEGIN { printf "ratios: lane/script %.2f, lane/tmux %.2f\n", s / l, t / l }'

echo "echo latency: $("$BENCH" echo "$LANE" 500)"
echo "start and idle: $("$BENCH" idle "$LANE" 20)"
