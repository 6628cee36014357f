#!/usr/bin/env bash
# CLI benchmarks (docs/benchmarks-cli.md): the NativeAOT `coven` against tmux, same machine, same run.
#   1. `coven sessions --json` with 10 live sessions  vs  `tmux list-sessions` with 10 sessions
#      (the daemon is first brought to steady state with 500 list requests)
#   2. `coven run --detach` of a trivial harness until it is live  vs  `tmux new-session -d`, back to back and 0.3 s apart
#   3. `coven ls -n 100` with 10,000 sessions in the store (seeded into coven.db while the daemon is stopped)
# With what ./install.sh produces (into a temp prefix): NativeAOT coven and coven-lane, covend for this RID.
# Needs: hyperfine (apt-get install -y hyperfine), tmux, python3 (seeding), the .NET SDK with gcc (NativeAOT).
# Usage: tests/bench/cli-bench.sh [results.md]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/coven-cli-bench.md}

command -v hyperfine >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null
prefix=/tmp/coven-bench-prefix
./install.sh --prefix "$prefix" -q

coven=$prefix/bin/coven
. tests/bench/bench-home.sh
$coven daemon start
bench_sessions 10 bench

# Bring the daemon's list path to steady state (caches, page cache) before timing, as it is after minutes of use.
for round in 1 2 3 4 5; do
  for i in $(seq 1 100); do $coven sessions --json >/dev/null; done
  sleep 0.3
done

hyperfine -N --warmup 20 --runs 300 \
  --export-markdown "$work/list.md" \
  "$coven sessions --json" \
  "tmux -S $tsock list-sessions"

# Back to back: each launch starts right after the last, so the spare lane covend starts once a launch settled is
# still starting up (or not there yet) when the next one comes: a burst, as a script launching many would see it.
hyperfine -N --warmup 3 --runs 40 \
  --export-markdown "$work/new.md" \
  "$coven run trivial --detach --root $work" \
  "tmux -S $tsock new-session -d cat"

# Paced: 0.3 s between launches (not timed, the same for both), as a person starts sessions: the spare is ready.
hyperfine -N --warmup 3 --runs 40 --prepare 'sleep 0.3' \
  --export-markdown "$work/new-paced.md" \
  "$coven run trivial --detach --root $work" \
  "tmux -S $tsock new-session -d cat"

# 3. 10,000 sessions: ended ones written straight into the store (as a long-used home would hold them).
for id in $($coven sessions --status live,pending --quiet); do $coven kill "$id" --signal KILL --no-wait >/dev/null; done
$coven daemon stop >/dev/null
python3 - "$COVEN_HOME/coven.db" <<'PY'
import sqlite3, sys, os, time
db = sqlite3.connect(sys.argv[1])
base = int(time.time() * 1000) - 10_000_000
rows = []
for i in range(10_000):
    ms = base + i * 1000
    h = f"{ms:012x}"
    rnd = os.urandom(10).hex()
    sid = f"{h[:8]}-{h[8:]}-7{rnd[:3]}-{'89ab'[i % 4]}{rnd[3:6]}-{rnd[6:18]}"
    at = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(ms / 1000))
    rows.append((sid, "/tmp", "/tmp", "trivial", f"seeded {i}", "finished", 0, at, at))
db.executemany("INSERT INTO sessions (id, project_root, cwd, harness, title, status, exit_code, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
db.commit()
print("plan:", db.execute("EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE status <> 'archived' ORDER BY id DESC LIMIT 101").fetchall())
PY
$coven daemon start >/dev/null
echo "sessions in the store: $($coven sessions --all --quiet | wc -l)"
for i in $(seq 1 300); do $coven ls -n 100 >/dev/null; done
hyperfine -N --warmup 20 --runs 200 \
  --export-markdown "$work/ls10k.md" \
  "$coven ls -n 100" \
  "$coven sessions --json -n 100" \
  "tmux -S $tsock list-sessions"

{
  echo "### sessions listing (10 sessions)"
  cat "$work/list.md"
  echo
  echo "### new detached session until live, back to back"
  cat "$work/new.md"
  echo
  echo "### new detached session until live, 0.3 s apart"
  cat "$work/new-paced.md"
  echo
  echo "### ls -n 100 with 10,000 sessions in the store"
  cat "$work/ls10k.md"
} | sed "s|$work|\$WORK|g" > "$out"
cat "$out"
