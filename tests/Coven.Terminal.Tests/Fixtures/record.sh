#!/usr/bin/env bash
# Records a program's raw terminal output and tmux's rendering of it, for RecordedProgramTests.
#
#   record.sh NAME COLS ROWS 'COMMAND' [SETTLE_SECONDS [KEYS...]]
#
# Runs COMMAND in a detached tmux session of COLS x ROWS (status line off, TERM=xterm-256color like
# the lane uses), captures every byte the program writes with `pipe-pane` into NAME.COLSxROWS.bin and
# what tmux shows afterwards (`capture-pane -p`) into NAME.COLSxROWS.txt.
# Without KEYS the script waits for COMMAND to finish. With KEYS it waits SETTLE_SECONDS, sends each
# KEYS argument with `tmux send-keys` (waiting SETTLE_SECONDS after each), and captures while the
# program is still running (for full-screen programs such as vim and less).
# The commands behind the committed fixtures are in README.md next to this script.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
name=$1 cols=$2 rows=$3 cmd=$4
settle=${5:-1}
shift 4
[ $# -gt 0 ] && shift

base="$dir/$name.${cols}x${rows}"
sock="cvn-rec-$$"
conf=$(mktemp)
# kill-server leaves the socket file behind: remove it too.
sockpath="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -f "$conf" "$sockpath"' EXIT
cat > "$conf" <<CONF
set -g status off
set -g default-terminal xterm-256color
set -g history-limit 0
CONF
rm -f "$base.bin" "$base.txt"
: > "$base.bin"

# The program waits for "go" so that pipe-pane is attached before its first byte.
tmux -L "$sock" -f "$conf" new-session -d -s rec -x "$cols" -y "$rows" \
  "tmux -L $sock wait-for go; $cmd; tmux -L $sock wait-for -S done; sleep 3600"
tmux -L "$sock" pipe-pane -t rec -o "cat >> '$base.bin'"
tmux -L "$sock" wait-for -S go

if [ $# -eq 0 ]; then
  timeout 60 tmux -L "$sock" wait-for done
  sleep 0.5
else
  sleep "$settle"
  for keys in "$@"; do
    # shellcheck disable=SC2086 # word splitting is how several keys are passed in one argument
    tmux -L "$sock" send-keys -t rec $keys
    sleep "$settle"
  done
fi

tmux -L "$sock" capture-pane -p -t rec > "$base.txt"
tmux -L "$sock" pipe-pane -t rec
echo "$base.bin: $(stat -c %s "$base.bin") bytes; $base.txt: $(wc -l < "$base.txt") lines"
