#!/usr/bin/python3
"""How long each activity signal takes to arrive (docs/attention.md; results in docs/benchmarks-daemon.md).

  activity_bench.py [--n 20] [--config Debug|Release]

With a real covend and coven-lane (artifacts/bin/<config>) and two fake harnesses registered in harnesses.json:
  hook      the harness runs "$COVEN_ACTIVITY_HOOK" hook report idle|working (what Claude Code's and Codex's hooks run):
            from the harness's clock reading just before it runs the hook to the activity event's createdAt;
  fallback  the harness prints one line and goes quiet (idleAfterMs 500): from its clock reading at the print to the
            fallback's idle event (includes the 500 ms of quiet it waits for by design; "beyond" subtracts it);
  peer      the cost of starting the hook program alone (coven-lane hook with a usage error, no socket): the part of
            the hook latency that is process start-up, not Coven.
Wall clock (CLOCK_REALTIME) on both sides; the store's timestamps have microseconds.
"""
import argparse, datetime, json, os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from daemon_bench import Daemon, pct

HARNESS = r'''echo ready
while IFS= read -r line; do
  case "$line" in
    idle|working) t=$(date +%s%N); "$COVEN_ACTIVITY_HOOK" hook report "$line" "t=$t" ;;
    print) echo "out t=$(date +%s%N)" ;;
  esac
done'''

def iso_ns(text):
    # 2026-12-02T01:02:03.456789Z (or +00:00)
    t = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    return int(t.timestamp()) * 1_000_000_000 + t.microsecond * 1000

def activity_events(d, sid, after):
    status, page = d.request('GET', f'/api/v1/sessions/{sid}/events?kind=activity&afterSeq={after}')
    assert status == 200, page
    return page['events']

def wait_event(d, sid, after, want, timeout=20):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        for e in activity_events(d, sid, after):
            p = json.loads(e['payloadJson'])
            if p['activity'] == want:
                return e, p
        time.sleep(0.01)
    raise RuntimeError(f'no {want} event in {timeout} s')

def send(d, sid, text):
    status, body = d.request('POST', f'/api/v1/sessions/{sid}/input', {'data': text + '\r'})
    assert status == 202, body

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=20)
    ap.add_argument('--config', default='Debug')
    args = ap.parse_args()
    d = Daemon(args)
    try:
        path = os.path.join(d.fakebin, 'sig')
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + HARNESS + '\n')
        os.chmod(path, 0o700)
        with open(os.path.join(d.home, 'harnesses.json'), 'w') as f:
            json.dump({'harnesses': [
                {'id': 'sig', 'executable': path, 'activitySignals': ['working', 'waiting', 'idle']},
                {'id': 'fb', 'executable': path, 'idleAfterMs': 500},
            ]}, f)
        d.start()
        print(f'cores: {os.cpu_count()}; load: {open("/proc/loadavg").read().split()[:3]}; config: {args.config}; n={args.n}')

        status, s = d.request('POST', '/api/v1/sessions', {'projectRoot': d.project, 'harness': 'sig'})
        assert status == 201, s
        sig = s['id']
        hook = []
        after = 0
        for i in range(args.n * 2):
            want = 'working' if i % 2 == 0 else 'idle'
            send(d, sig, want)
            e, p = wait_event(d, sig, after, want)
            after = e['seq']
            if want == 'idle':
                t = int(p['reason'].split('=')[1])
                hook.append((iso_ns(e['createdAt']) - t) / 1e6)

        status, s = d.request('POST', '/api/v1/sessions', {'projectRoot': d.project, 'harness': 'fb'})
        assert status == 201, s
        fb = s['id']
        e, _ = wait_event(d, fb, 0, 'idle')
        after = e['seq']
        fallback = []
        for _ in range(args.n):
            send(d, fb, 'print')
            e, _ = wait_event(d, fb, after, 'working')
            e, _ = wait_event(d, fb, e['seq'], 'idle')
            after = e['seq']
            status, page = d.request('GET', f'/api/v1/sessions/{fb}/events?kind=output&limit=1000')
            printed = [json.loads(x['payloadJson']).get('data', '') for x in page['events']]
            t = int([line for chunk in printed for line in chunk.split('\n') if line.startswith('out t=')][-1].strip().split('=')[1])
            fallback.append((iso_ns(e['createdAt']) - t) / 1e6)

        lane = os.path.join(d.bin, 'coven-lane')
        peer = []
        for _ in range(args.n):
            t0 = time.perf_counter()
            subprocess.run([lane, 'hook', 'bogus'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            peer.append((time.perf_counter() - t0) * 1000)

        def row(name, ms):
            print(f'{name:40s} n={len(ms):3d}  p50={pct(ms, 50):8.1f} ms  p99={pct(ms, 99):8.1f} ms  max={max(ms):8.1f} ms')
        row('hook -> activity event', hook)
        row('fallback: last output -> idle event', fallback)
        row('fallback beyond idleAfterMs (500)', [x - 500 for x in fallback])
        row('peer: coven-lane hook start-up alone', peer)
        print(f'hook / peer (p50): {pct(hook, 50) / pct(peer, 50):.2f}')
    finally:
        d.cleanup()

if __name__ == '__main__':
    main()
