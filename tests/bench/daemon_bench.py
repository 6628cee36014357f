#!/usr/bin/python3
"""Daemon benchmarks over the Unix socket (results and exact commands: docs/benchmarks-daemon.md).

  daemon_bench.py latency  [--n 2000]            health and sessions-list latency, kept-alive connection
  daemon_bench.py restart  [--sessions 20]       kill -9 covend with N live printing sessions, restart, time to re-attach, bytes lost
  daemon_bench.py load     [--sessions 50]       N sessions printing steadily: API p50/p99 and daemon RSS

Each run uses a fresh COVEN_HOME under /tmp, a fake harness on PATH, the covend and coven-lane of
artifacts/bin/<config> (--config Release by default), and cleans up every process it started.
"""
import argparse, http.client, json, os, re, shutil, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('coven')
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)

class Daemon:
    def __init__(self, args):
        self.config = args.config
        self.bin = os.path.join(ROOT, 'artifacts', 'bin', self.config)
        self.home = tempfile.mkdtemp(prefix='cvn-b', dir='/tmp')
        self.project = os.path.join(self.home, 'proj'); os.makedirs(self.project)
        self.fakebin = os.path.join(self.home, 'bin'); os.makedirs(self.fakebin)
        self.proc = None
        self.sock = os.path.join(self.home, 'coven.sock')

    def harness(self, body):
        path = os.path.join(self.fakebin, 'codex')
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + body + '\n')
        os.chmod(path, 0o700)

    def start(self):
        env = dict(os.environ, COVEN_HOME=self.home, PATH=self.fakebin + ':' + os.environ['PATH'])
        env.setdefault('COVEN_LANE_PATH', os.path.join(self.bin, 'coven-lane'))
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([os.path.join(self.bin, 'covend'), '--home', self.home], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                status, _ = self.request('GET', '/api/v1/health')
                if status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            if time.perf_counter() - t0 > 30:
                raise RuntimeError('covend did not start')
            time.sleep(0.002)

    def request(self, method, path, body=None, conn=None):
        c = conn or UnixHTTPConnection(self.sock)
        c.request(method, path, body=None if body is None else json.dumps(body), headers={'Content-Type': 'application/json'})
        r = c.getresponse()
        data = r.read()
        if conn is None:
            c.close()
        return r.status, (json.loads(data) if data else None)

    def launch(self):
        status, s = self.request('POST', '/api/v1/sessions', {'projectRoot': self.project, 'harness': 'codex', 'prompt': 'bench'})
        assert status == 201, (status, s)
        return s['id']

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL); self.proc.wait()

    def rss_kib(self):
        with open(f'/proc/{self.proc.pid}/status') as f:
            return int(re.search(r'VmRSS:\s+(\d+)', f.read()).group(1))

    def db(self):
        c = sqlite3.connect(os.path.join(self.home, 'coven.db'), timeout=10)
        c.execute('PRAGMA busy_timeout=10000')
        return c

    def cleanup(self):
        if os.environ.get('BENCH_SHOW_LOG'):
            try:
                print(''.join(l for l in open(os.path.join(self.home, 'logs', 'covend.log')) if re.search(os.environ['BENCH_SHOW_LOG'], l)))
            except OSError:
                pass
        try:
            with self.db() as c:
                for lp, hp in c.execute('SELECT lane_pid, harness_pid FROM sessions'):
                    for pid in (hp, lp):
                        if pid:
                            try: os.killpg(pid, signal.SIGKILL)
                            except OSError: pass
        except sqlite3.Error:
            pass
        if self.proc and self.proc.poll() is None:
            self.kill9()
        shutil.rmtree(self.home, ignore_errors=True)

def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]

def measure(d, path, n, conn):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        status, _ = d.request('GET', path, conn=conn)
        out.append((time.perf_counter() - t) * 1000)
        assert status == 200
    return out

def report(name, ms):
    print(f'{name:34s} n={len(ms):5d}  p50={pct(ms, 50):6.3f} ms  p99={pct(ms, 99):6.3f} ms  max={max(ms):7.3f} ms')

# A harness that prints "tick N" lines steadily without forking per line, and echoes input lines.
TICKER = """exec /usr/bin/python3 -u -c '
import sys, threading, time
def tick():
    i = 0
    while True:
        i += 1
        sys.stdout.write("tick %d\\n" % i)
        sys.stdout.flush()
        time.sleep({delay})
threading.Thread(target=tick, daemon=True).start()
for line in sys.stdin:
    sys.stdout.write("got: " + line)
    sys.stdout.flush()
'"""

def ticks(d, sid):
    text = []
    with d.db() as c:
        for (p,) in c.execute("SELECT payload_json FROM events WHERE session_id=? AND kind='output' ORDER BY seq", (sid,)):
            text.append(json.loads(p).get('data', ''))
    return [int(x) for x in re.findall(r'tick (\d+)\r?\n', ''.join(text))]

def cmd_latency(args):
    d = Daemon(args)
    try:
        d.harness(TICKER.format(delay='1'))
        d.start()
        for _ in range(args.sessions):
            d.launch()
        conn = UnixHTTPConnection(d.sock)
        measure(d, '/api/v1/health', 200, conn)
        report('GET /health (keep-alive)', measure(d, '/api/v1/health', args.n, conn))
        report(f'GET /sessions ({args.sessions} rows, keep-alive)', measure(d, '/api/v1/sessions', args.n, conn))
        fresh = []
        for _ in range(min(args.n, 500)):
            t = time.perf_counter(); d.request('GET', '/api/v1/health'); fresh.append((time.perf_counter() - t) * 1000)
        report('GET /health (new connection each)', fresh)
    finally:
        d.cleanup()

def cmd_restart(args):
    d = Daemon(args)
    try:
        d.harness(TICKER.format(delay=args.delay))
        d.start()
        ids = [d.launch() for _ in range(args.sessions)]
        time.sleep(1)
        d.kill9()
        time.sleep(args.down)
        startup = d.start()
        status, page = d.request('GET', '/api/v1/sessions?status=live&limit=1000')
        live = {s['id'] for s in page['sessions']}
        with d.db() as c:
            reattached = c.execute("SELECT COUNT(DISTINCT session_id) FROM events WHERE kind='reattached'").fetchone()[0]
        with open('/proc/loadavg') as f:
            load = f.read().split()[0]
        log = open(os.path.join(d.home, 'logs', 'covend.log')).read()
        stamps = re.findall(r'^(\S+) info \S+\[405\] Reconcil', log, re.M)[-2:]
        from datetime import datetime
        span = (datetime.fromisoformat(stamps[1].rstrip('Z')) - datetime.fromisoformat(stamps[0].rstrip('Z'))).total_seconds()
        print(f'restart with {args.sessions} live sessions (load average {load}): reconciliation (connect, hello, verify, subscribe, reattached event) = {span * 1000:.0f} ms; covend exec -> first /health answer = {startup * 1000:.0f} ms')
        print(f'  live after restart: {len(live & set(ids))}/{len(ids)}, reattached events: {reattached}')
        for sid in ids:
            d.request('POST', f'/api/v1/sessions/{sid}/kill', {'graceMs': 200})
        deadline = time.time() + 20
        while time.time() < deadline:
            _, page = d.request('GET', '/api/v1/sessions?status=live&limit=1000')
            if not page['sessions']:
                break
            time.sleep(0.05)
        lost = 0; total = 0
        for sid in ids:
            t = ticks(d, sid)
            total += len(t)
            expected = list(range(1, len(t) + 1))
            lost += sum(1 for a, b in zip(t, expected) if a != b) + (0 if t == expected else 1)
        print(f'  tick lines recorded: {total}; sessions with a gap or reordering: {lost} (0 = no bytes lost)')
    finally:
        d.cleanup()

def cmd_load(args):
    d = Daemon(args)
    try:
        d.harness(TICKER.format(delay=args.delay))
        d.start()
        t_launch = time.perf_counter()
        ids = [d.launch() for _ in range(args.sessions)]
        print(f'launched {args.sessions} sessions in {time.perf_counter() - t_launch:.1f} s; settling {args.settle} s')
        time.sleep(args.settle)
        with open('/proc/loadavg') as f:
            print('load average before measuring:', f.read().split()[0])
        conn = UnixHTTPConnection(d.sock)
        with d.db() as c:
            before = c.execute("SELECT COUNT(*) FROM events WHERE kind='output'").fetchone()[0]
        t0 = time.perf_counter()
        report(f'GET /health under load', measure(d, '/api/v1/health', args.n, conn))
        report(f'GET /sessions ({args.sessions} live) under load', measure(d, '/api/v1/sessions', args.n, conn))
        report('GET /sessions/{id}/events?limit=100', measure(d, f'/api/v1/sessions/{ids[0]}/events?limit=100', args.n, conn))
        inputs = []
        for i in range(min(args.n, 500)):
            t = time.perf_counter()
            status, _ = d.request('POST', f'/api/v1/sessions/{ids[i % len(ids)]}/input', {'data': 'x\r'}, conn=conn)
            inputs.append((time.perf_counter() - t) * 1000)
            assert status == 202
        report('POST /input under load', inputs)
        elapsed = time.perf_counter() - t0
        with d.db() as c:
            after = c.execute("SELECT COUNT(*) FROM events WHERE kind='output'").fetchone()[0]
        with open('/proc/loadavg') as f:
            print('load average after measuring:', f.read().split()[0])
        print(f'{args.sessions} sessions printing every {args.delay}s: {(after - before) / elapsed:.0f} output events/s stored during the run; covend RSS {d.rss_kib() / 1024:.1f} MiB')
    finally:
        d.cleanup()

def main():
    p = argparse.ArgumentParser()
    p.add_argument('command', choices=['latency', 'restart', 'load'])
    p.add_argument('--config', default='Release')
    p.add_argument('--n', type=int, default=2000)
    p.add_argument('--sessions', type=int, default=None)
    p.add_argument('--down', type=float, default=1.0, help='seconds without a daemon (restart)')
    p.add_argument('--settle', type=float, default=15.0, help='seconds to wait after the launches (load)')
    p.add_argument('--delay', default='0.01', help='sleep between tick lines of each session (load)')
    args = p.parse_args()
    if args.sessions is None:
        args.sessions = {'latency': 20, 'restart': 20, 'load': 50}[args.command]
    {'latency': cmd_latency, 'restart': cmd_restart, 'load': cmd_load}[args.command](args)

if __name__ == '__main__':
    main()
