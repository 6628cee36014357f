#!/usr/bin/env bash
# What one back-to-back `coven run --detach` costs in CPU, process by process (docs/benchmarks-cli.md, "What a launch
# costs"), and the start-up floor of each kind of process next to tmux's.
#   1. N back-to-back launches of a trivial harness (/bin/cat) under hyperfine, with covend (and so every lane and
#      harness it starts) in its own cpuacct cgroup: CPU per launch of the CLI (hyperfine's user+sys), covend (the sum
#      of its threads' schedstat) and lanes+harnesses (the cgroup minus covend), and the machine's total.
#   2. Alternating single runs (CPU from wait4, user+sys): /bin/true, `tmux -V`, `coven --version`, a spare lane that
#      starts and exits at once (stdin at end of file), `tmux new-session -d cat` and `coven run --detach`.
# Needs root (a cgroup under /sys/fs/cgroup/cpuacct, cgroup v1), hyperfine, tmux, python3.
# Usage: tests/bench/launch-cpu.sh PREFIX [N]   (PREFIX: what ./install.sh --prefix produced)
set -euo pipefail
prefix=$1
n=${2:-100}
coven=$prefix/bin/coven
lane=$(dirname "$(readlink -f "$coven")")/coven-lane
cpuacct=/sys/fs/cgroup/cpuacct
[ -w "$cpuacct" ] || { echo "launch-cpu.sh: needs a writable cgroup v1 cpuacct hierarchy at $cpuacct (run as root)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "launch-cpu.sh: needs hyperfine" >&2; exit 2; }

. "$(dirname "$0")/bench-home.sh"
cg=$cpuacct/coven-launch-cpu-$$
mkdir "$cg"
trap 'bench_cleanup; rmdir "$cg" 2>/dev/null || true' EXIT

$coven daemon start >/dev/null
daemon=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$COVEN_HOME/daemon.json")
echo "$daemon" > "$cg/cgroup.procs"
# Warm: the first launches start the spare mechanism and fill the page cache.
for _ in 1 2 3 4 5; do $coven run trivial --detach --root "$work" >/dev/null; done
tmux -S "$tsock" new-session -d -s warm cat

daemon_ns() { local s=0 f; for f in /proc/"$daemon"/task/*/schedstat; do s=$((s + $(cut -d' ' -f1 "$f"))); done; echo "$s"; }
machine_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
d0=$(daemon_ns); g0=$(cat "$cg/cpuacct.usage"); t0=$(machine_ticks)
hyperfine -N --runs "$n" --warmup 0 --export-json "$work/launch.json" "$coven run trivial --detach --root $work" >/dev/null
t1=$(machine_ticks); g1=$(cat "$cg/cpuacct.usage"); d1=$(daemon_ns)
hyperfine -N --runs "$n" --warmup 0 --export-json "$work/tmux.json" "tmux -S $tsock new-session -d cat" >/dev/null

python3 - "$work/launch.json" "$work/tmux.json" "$n" $((d1 - d0)) $((g1 - g0)) $((t1 - t0)) "$(getconf CLK_TCK)" "$load" <<'PY'
import json, sys
launch = json.load(open(sys.argv[1]))["results"][0]
tmux = json.load(open(sys.argv[2]))["results"][0]
n = int(sys.argv[3])
daemon_ms = int(sys.argv[4]) / 1e6 / n
group_ms = int(sys.argv[5]) / 1e6 / n
machine_ms = int(sys.argv[6]) * 1000 / int(sys.argv[7]) / n
cli_ms = (launch["user"] + launch["system"]) * 1000
print(f"load average before: {sys.argv[8]}")
print(f"{n} back-to-back launches: wall {launch['mean'] * 1000:.2f} ms each (tmux new-session -d: {tmux['mean'] * 1000:.2f} ms, "
      f"ratio {launch['mean'] / tmux['mean']:.2f})")
print(f"CPU per launch: CLI {cli_ms:.2f} ms, covend {daemon_ms:.2f} ms, lanes+harnesses {group_ms - daemon_ms:.2f} ms; "
      f"machine {machine_ms:.2f} ms = {machine_ms / (launch['mean'] * 1000):.2f} cores busy of 2")
PY

# The floor: alternating single runs, CPU (user+sys) of each process and its children from wait4.
python3 - "$coven" "$lane" "$COVEN_HOME" "$tsock" "$work" <<'PY'
import os, statistics, sys
coven, lane, home, tsock, work = sys.argv[1:6]
commands = [
    ("/bin/true", ["/bin/true"]),
    ("tmux -V", ["tmux", "-V"]),
    ("coven --version", [coven, "--version"]),
    ("coven-lane --spare (start, exit)", [lane, "--spare", "--home", home]),
    ("tmux new-session -d cat", ["tmux", "-S", tsock, "new-session", "-d", "cat"]),
    ("coven run --detach (CLI only)", [coven, "run", "trivial", "--detach", "--root", work]),
]
devnull = os.open(os.devnull, os.O_RDWR)
cpu = {label: [] for label, _ in commands}
for i in range(60):
    for label, argv in (commands if i % 2 == 0 else commands[::-1]):
        path = argv[0] if "/" in argv[0] else next(os.path.join(d, argv[0]) for d in os.environ["PATH"].split(":") if os.access(os.path.join(d, argv[0]), os.X_OK))
        pid = os.posix_spawn(path, argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, _, usage = os.wait4(pid, 0)
        cpu[label].append((usage.ru_utime + usage.ru_stime) * 1000)
print("start-up floor, CPU per run (median of 60, alternating):")
for label, xs in cpu.items():
    print(f"  {label:34s} {statistics.median(xs):6.2f} ms")
PY
