#!/usr/bin/python3
"""n starts of covend on fresh homes, each until its first 200 from GET /api/v1/health, then SIGKILL (so a profile
holds no shutdown): the driver for profiling the start (docs/benchmarks-daemon.md).

  perf record -e cpu-clock -F 20000 -g -o /tmp/start.data -- tests/bench/daemon_start_loop.py /tmp/pub/covend 10
  perf report -i /tmp/start.data --comm covend --children --sort sym -g none
"""
import os, socket, subprocess, sys, tempfile, time, shutil, signal
covend, n = sys.argv[1], int(sys.argv[2])
times = []
for i in range(n):
    h = tempfile.mkdtemp(prefix='perfl', dir='/tmp')
    t0 = time.perf_counter()
    p = subprocess.Popen([covend, '--home', h], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(h + '/coven.sock')
            s.send(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
            if s.recv(20).startswith(b'HTTP/1.1 200'):
                break
        except OSError:
            time.sleep(0.001)
    times.append((time.perf_counter() - t0) * 1000)
    if os.environ.get('SETTLE'):
        time.sleep(float(os.environ['SETTLE']))
    p.kill(); p.wait()
    shutil.rmtree(h, ignore_errors=True)
print('first answer ms:', ' '.join(f'{t:.0f}' for t in times))
