#!/usr/bin/python3
"""Daemon start-up and footprint against tmux in the same run (results and commands: docs/benchmarks-daemon.md).

  daemon_start_bench.py --covend jit=artifacts/bin/Release/covend --covend aot=/tmp/pub/covend [--runs 20] [--sessions 100]
  daemon_start_bench.py --covend 'gen0=DOTNET_GCgen0size=0x100000 /tmp/pub/covend' --covend base=/tmp/pub/covend
  daemon_start_bench.py --covend aot=/tmp/pub/covend --store existing      # start on a store a previous start made
  daemon_start_bench.py --covend aot=/tmp/pub/covend --lane 'a=/tmp/lane/coven-lane' --lane 'b=VAR=1 /tmp/lane/coven-lane' --lane-runs 6

A subject is label=[NAME=VALUE ...] path: the variables are set for that subject's process only, so one binary can
be measured with and without a runtime knob in the same run.

For each covend and for tmux: exec -> first answer (covend: first 200 from GET /api/v1/health, polled every 1 ms by
connecting; tmux: `tmux -L <fresh> new-session -d` until it exits, which is after its fresh server has created the
session), and the idle footprint 3 s after that answer (covend; the tmux server): RSS, PSS, anonymous (heap, GC,
stacks, runtime data) vs file-backed (the executable's and libraries' pages), threads, whether OpenSSL is mapped,
and the CPU time covend's threads used up to the first answer (schedstat; less sensitive to machine load than the
wall time). Lanes also show USS (private pages): what each further lane adds, its code pages being shared.
`--store fresh` (default) starts on a new COVEN_HOME (the first start ever: the store is created and migrated);
`--store existing` starts once untimed, stops it, and times a start on the store that start left (the usual start).
--sessions N: the RSS once N sessions are live (a fake harness that sleeps; tmux: that many sessions), last run only.

--lane subjects: each lane (COVEN_LANE_PATH of the first covend) holds one session whose harness is `sleep`; its idle
footprint 3 s after the session is live, against a tmux server holding one `sleep` session. Runs alternate between
the subjects so machine load falls on all of them alike.
"""
import argparse, os, re, shlex, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_bench import Daemon, ROOT  # noqa: E402


def footprint(pid):
    """RSS, PSS, anonymous and file-backed KiB, threads, OpenSSL mapped."""
    with open(f'/proc/{pid}/smaps_rollup') as f:
        text = f.read()
    field = lambda name: int(re.search(rf'^{name}:\s+(\d+)', text, re.M).group(1))
    with open(f'/proc/{pid}/status') as f:
        threads = int(re.search(r'Threads:\s+(\d+)', f.read()).group(1))
    with open(f'/proc/{pid}/maps') as f:
        ssl = 'libssl' in f.read()
    rss, anon = field('Rss'), field('Anonymous')
    uss = field('Private_Clean') + field('Private_Dirty')
    return {'rss': rss, 'pss': field('Pss'), 'uss': uss, 'anon': anon, 'file': rss - anon, 'threads': threads, 'ssl': ssl}


class Args:
    config = 'Release'


def subject(spec):
    label, rest = spec.split('=', 1)
    words = shlex.split(rest)
    env = dict(w.split('=', 1) for w in words[:-1])
    return label, env, os.path.abspath(words[-1])


def wrapped_lane(env, path, folder):
    """COVEN_LANE_PATH is one executable: a lane with its own variables runs through a two-line wrapper."""
    if not env:
        return path
    wrapper = os.path.join(folder, 'lane-wrapper')
    with open(wrapper, 'w') as f:
        f.write('#!/bin/sh\nexec env ' + ' '.join(shlex.quote(f'{k}={v}') for k, v in env.items()) + ' ' + shlex.quote(path) + ' "$@"\n')
    os.chmod(wrapper, 0o700)
    return wrapper


def covend_run(env, covend, lane, sessions, store):
    d = Daemon(Args())
    d.bin = os.path.dirname(covend)
    saved = dict(os.environ)
    os.environ.update(env)
    os.environ['COVEN_LANE_PATH'] = lane
    try:
        d.harness('exec sleep 600')
        d.exe = covend
        if store == 'existing':
            start(d)
            d.proc.terminate()
            d.proc.wait()
        first = start(d) * 1000
        cpu = d.cpu
        time.sleep(3)
        idle = footprint(d.proc.pid) | {'cpu': cpu}
        loaded = None
        if sessions:
            for _ in range(sessions):
                d.launch()
            time.sleep(3)
            loaded = footprint(d.proc.pid)['rss']
        return first, idle, loaded
    finally:
        os.environ.clear()
        os.environ.update(saved)
        d.cleanup()


def cpu_ms(pid):
    """CPU time the process's live threads have used (schedstat, ns): less sensitive to machine load than wall time."""
    total = 0
    for task in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{task}/schedstat') as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e6


def start(d):
    """Daemon.start with this subject's executable (covend of d.bin is the default); sets d.cpu (CPU ms at the answer)."""
    env = dict(os.environ, COVEN_HOME=d.home, PATH=d.fakebin + ':' + os.environ['PATH'])
    t0 = time.perf_counter()
    d.proc = subprocess.Popen([d.exe, '--home', d.home], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            status, _ = d.request('GET', '/api/v1/health')
            if status == 200:
                elapsed = time.perf_counter() - t0
                d.cpu = cpu_ms(d.proc.pid)
                return elapsed
        except OSError:
            pass
        if time.perf_counter() - t0 > 30:
            raise RuntimeError('covend did not start')
        time.sleep(0.001)


def lane_run(covend, env, lane):
    d = Daemon(Args())
    saved = dict(os.environ)
    os.environ['COVEN_LANE_PATH'] = wrapped_lane(env, lane, d.home)
    try:
        d.harness('exec sleep 600')
        d.exe = covend
        start(d)
        sid = d.launch()
        deadline = time.monotonic() + 30
        while True:
            _, s = d.request('GET', f'/api/v1/sessions/{sid}')
            if s.get('status') == 'live':
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f'session did not go live: {s}')
            time.sleep(0.01)
        time.sleep(3)
        with d.db() as c:
            (pid,) = c.execute('SELECT lane_pid FROM sessions WHERE id = ?', (sid,)).fetchone()
        return footprint(pid)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        d.cleanup()


def tmux_run(sessions, idle_command=None):
    sock = f'bench-{os.getpid()}-{time.monotonic_ns()}'
    try:
        t0 = time.perf_counter()
        subprocess.run(['tmux', '-L', sock, '-f', '/dev/null', 'new-session', '-d'] + ([idle_command] if idle_command else []), check=True)
        first = (time.perf_counter() - t0) * 1000
        pid = int(subprocess.run(['tmux', '-L', sock, 'display-message', '-p', '#{pid}'], check=True,
                                 capture_output=True, text=True).stdout)
        time.sleep(3)
        idle = footprint(pid) | {'cpu': cpu_ms(pid)}
        loaded = None
        if sessions:
            for _ in range(sessions - 1):
                subprocess.run(['tmux', '-L', sock, 'new-session', '-d', 'sleep 600'], check=True)
            time.sleep(3)
            loaded = footprint(pid)['rss']
        return first, idle, loaded
    finally:
        subprocess.run(['tmux', '-L', sock, 'kill-server'], capture_output=True)


def mib(kib):
    return f'{kib / 1024:.1f}'


def load():
    with open('/proc/loadavg') as f:
        return f.read().split()[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--covend', action='append', required=True, help='label=[NAME=VALUE ...] path of a covend executable')
    p.add_argument('--lane', action='append', default=[], help='label=[NAME=VALUE ...] path of a coven-lane (lane idle footprint)')
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--lane-runs', type=int, default=6)
    p.add_argument('--sessions', type=int, default=100, help='sessions for the loaded RSS (last run only); 0: skip')
    p.add_argument('--store', choices=['fresh', 'existing'], default='fresh')
    args = p.parse_args()
    subjects = [subject(c) for c in args.covend]
    lanes = [subject(c) for c in args.lane]
    default_lane = lanes[0][2] if lanes else os.path.join(ROOT, 'artifacts', 'bin', 'Release', 'coven-lane')
    print(f'{time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}  load average before: {load()}  store: {args.store}')

    if args.runs:
        results = {label: [] for label, _, _ in subjects} | {'tmux': []}
        for i in range(args.runs):
            last = i == args.runs - 1
            for label, env, path in subjects:
                results[label].append(covend_run(env, path, default_lane, args.sessions if last else 0, args.store))
            results['tmux'].append(tmux_run(args.sessions if last else 0))
        tmux_first = statistics.median(r[0] for r in results['tmux'])
        print(f'runs={args.runs}  load average after: {load()}')
        print(f"{'subject':10s} {'first answer median':>20s} {'min':>8s} {'max':>8s} {'x tmux':>7s} {'CPU ms':>7s} {'RSS MiB':>8s} {'PSS':>6s} "
              f"{'anon':>6s} {'file':>6s} {'thr':>4s} {'ssl':>4s} {f'RSS {args.sessions} sessions':>18s}")
        for label, rows in results.items():
            firsts = [r[0] for r in rows]
            med = statistics.median(firsts)
            m = lambda key: statistics.median(r[1][key] for r in rows)
            ssl = sum(r[1]['ssl'] for r in rows)
            loaded = rows[-1][2]
            print(f'{label:10s} {med:17.1f} ms {min(firsts):6.1f} ms {max(firsts):6.1f} ms {med / tmux_first:7.1f} {m("cpu"):7.1f} {mib(m("rss")):>8s} '
                  f'{mib(m("pss")):>6s} {mib(m("anon")):>6s} {mib(m("file")):>6s} {m("threads"):4.0f} {ssl:>2d}/{len(rows)} '
                  f"{(f'{mib(loaded)} MiB' if loaded else '-'):>18s}")

    if lanes:
        lane_results = {label: [] for label, _, _ in lanes} | {'tmux': []}
        for _ in range(args.lane_runs):
            for label, env, path in lanes:
                lane_results[label].append(lane_run(subjects[0][2], env, path))
            lane_results['tmux'].append(tmux_run(0, 'sleep 600')[1])
        print(f'lane idle, one `sleep` session each, runs={args.lane_runs}, load average after: {load()}')
        print(f"{'subject':10s} {'RSS MiB':>8s} {'min':>6s} {'max':>6s} {'PSS':>6s} {'USS':>6s} {'anon':>6s} {'file':>6s} {'thr':>4s}")
        for label, rows in lane_results.items():
            m = lambda key: statistics.median(r[key] for r in rows)
            print(f'{label:10s} {mib(m("rss")):>8s} {mib(min(r["rss"] for r in rows)):>6s} {mib(max(r["rss"] for r in rows)):>6s} '
                  f'{mib(m("pss")):>6s} {mib(m("uss")):>6s} {mib(m("anon")):>6s} {mib(m("file")):>6s} {m("threads"):4.0f}')


if __name__ == '__main__':
    main()
