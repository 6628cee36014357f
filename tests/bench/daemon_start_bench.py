#!/usr/bin/python3
"""Daemon start-up and footprint against tmux in the same run (results and commands: docs/benchmarks-daemon.md).

  daemon_start_bench.py --covend jit=artifacts/bin/Release/covend --covend aot=/tmp/pub/covend [--runs 20] [--sessions 100]

For each covend (label=path) and for tmux: exec -> first answer (covend: first 200 from GET /api/v1/health on a
fresh COVEN_HOME, polled every 1 ms by connecting; tmux: `tmux -L <fresh> new-session -d` until it exits, which
is after its fresh server has created the session), idle RSS 3 s after that answer (covend; the tmux server),
and RSS once --sessions sessions are live (a fake harness that sleeps; tmux: that many sessions). The runs
alternate between the subjects so machine load falls on all of them alike.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_bench import Daemon, ROOT  # noqa: E402


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        return int(re.search(r'VmRSS:\s+(\d+)', f.read()).group(1))


class Args:
    config = 'Release'


def covend_run(covend, lane, sessions):
    d = Daemon(Args())
    d.bin = os.path.dirname(covend)
    os.environ['COVEN_LANE_PATH'] = lane
    try:
        d.harness('exec sleep 600')
        first = d.start() * 1000
        time.sleep(3)
        idle = rss_kib(d.proc.pid)
        loaded = None
        if sessions:
            for _ in range(sessions):
                d.launch()
            time.sleep(3)
            loaded = rss_kib(d.proc.pid)
        return first, idle, loaded
    finally:
        d.cleanup()


def tmux_run(sessions):
    sock = f'bench-{os.getpid()}-{time.monotonic_ns()}'
    try:
        t0 = time.perf_counter()
        subprocess.run(['tmux', '-L', sock, '-f', '/dev/null', 'new-session', '-d'], check=True)
        first = (time.perf_counter() - t0) * 1000
        pid = int(subprocess.run(['tmux', '-L', sock, 'display-message', '-p', '#{pid}'], check=True,
                                 capture_output=True, text=True).stdout)
        time.sleep(3)
        idle = rss_kib(pid)
        loaded = None
        if sessions:
            for _ in range(sessions - 1):
                subprocess.run(['tmux', '-L', sock, 'new-session', '-d', 'sleep 600'], check=True)
            time.sleep(3)
            loaded = rss_kib(pid)
        return first, idle, loaded
    finally:
        subprocess.run(['tmux', '-L', sock, 'kill-server'], capture_output=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--covend', action='append', required=True, help='label=path of a covend executable')
    p.add_argument('--lane', default=os.path.join(ROOT, 'artifacts', 'bin', 'Release', 'coven-lane'))
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--sessions', type=int, default=100, help='sessions for the loaded RSS (last run only); 0: skip')
    args = p.parse_args()
    subjects = [tuple(c.split('=', 1)) for c in args.covend]
    results = {label: [] for label, _ in subjects} | {'tmux': []}
    for i in range(args.runs):
        last = i == args.runs - 1
        for label, path in subjects:
            results[label].append(covend_run(os.path.abspath(path), args.lane, args.sessions if last else 0))
        results['tmux'].append(tmux_run(args.sessions if last else 0))
    with open('/proc/loadavg') as f:
        load = f.read().split()[0]
    tmux_first = statistics.median(r[0] for r in results['tmux'])
    print(f'runs={args.runs}  load average after: {load}')
    print(f"{'subject':8s} {'first answer median':>20s} {'min':>8s} {'max':>8s} {'x tmux':>7s} {'idle RSS':>10s} {f'RSS {args.sessions} sessions':>18s}")
    for label, rows in results.items():
        firsts = [r[0] for r in rows]
        idle = statistics.median(r[1] for r in rows) / 1024
        loaded = rows[-1][2]
        med = statistics.median(firsts)
        print(f'{label:8s} {med:17.1f} ms {min(firsts):6.1f} ms {max(firsts):6.1f} ms {med / tmux_first:7.1f} {idle:7.1f} MiB '
              f"{(f'{loaded / 1024:.1f} MiB' if loaded else '-'):>18s}")


if __name__ == '__main__':
    main()
