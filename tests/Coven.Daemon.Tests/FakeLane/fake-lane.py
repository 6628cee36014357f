#!/usr/bin/python3
"""A stand-in for coven-lane used by the daemon tests until the real lane is on this branch.

Implements the daemon-facing contract of coven-lane: setsid, spawn the harness from the session's launch spec in
a PTY, record pids in the store, bind <home>/lanes/<id>.sock (protocol v1: 4-byte big-endian length + JSON),
write the one-line report on stdout, append output and exit events, notify subscribers. No terminal model: the
screen op returns the last lines of output.
"""
import codecs, errno, fcntl, json, os, pty, signal, socket, sqlite3, struct, sys, termios, threading, time, uuid, base64
from datetime import datetime, timezone

def now():
    return datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')

def start_time(pid):
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    return int(s[s.rindex(')') + 2:].split(' ')[19])

args = sys.argv[1:]
session = args[args.index('--session') + 1]
home = args[args.index('--home') + 1]
os.setsid()
db_path = os.path.join(home, 'coven.db')

def connect():
    c = sqlite3.connect(db_path, timeout=10, isolation_level=None, check_same_thread=False)
    c.execute('PRAGMA busy_timeout=10000')
    return c

db = connect()
db_lock = threading.Lock()
row = db.execute('SELECT launch_json FROM sessions WHERE id = ?', (session,)).fetchone()

def report(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()
    devnull = os.open('/dev/null', os.O_RDWR)
    os.dup2(devnull, 1)

if row is None:
    report({'ok': False, 'reason': 'no such session', 'errno': 2})
    sys.exit(1)
spec = json.loads(row[0])
env = dict(os.environ)
for name in spec.get('unsetEnvironment') or []:
    env.pop(name, None)
env.update(spec.get('environment') or {})
cols, rows = spec.get('columns', 120), spec.get('rows', 40)
argv = [spec['executable']] + list(spec.get('arguments') or [])

exec_r, exec_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.close(exec_r)
    try:
        os.chdir(spec['workingDirectory'])
        fcntl.fcntl(exec_w, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
        os.execve(argv[0], argv, env)
    except OSError as e:
        os.write(exec_w, struct.pack('i', e.errno))
        os._exit(127)
os.close(exec_w)
failure = os.read(exec_r, 4)
os.close(exec_r)
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
if failure:
    err = struct.unpack('i', failure)[0]
    os.waitpid(pid, 0)
    report({'ok': False, 'reason': f'{argv[0]}: {os.strerror(err)}', 'errno': err})
    sys.exit(1)

lane_pid = os.getpid()
lane_start = start_time(lane_pid)
harness_start = start_time(pid)
with db_lock:
    db.execute('UPDATE sessions SET lane_pid=?, lane_start_time=?, harness_pid=?, harness_start_time=? WHERE id=?',
               (lane_pid, lane_start, pid, harness_start, session))

lanes = os.path.join(home, 'lanes')
os.makedirs(lanes, mode=0o700, exist_ok=True)
sock_path = os.path.join(lanes, session + '.sock')
try:
    os.unlink(sock_path)
except FileNotFoundError:
    pass
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
old = os.umask(0o177)
server.bind(sock_path)
os.umask(old)
server.listen(16)
report({'ok': True, 'lanePid': lane_pid, 'harnessPid': pid})

state = {'last_seq': 0, 'exited': False, 'exit_code': None, 'signal': None, 'cols': cols, 'rows': rows, 'text': ''}
subscribers = []
sub_lock = threading.Lock()

def append(kind, payload):
    with db_lock:
        cur = db.execute('INSERT INTO events (id, session_id, kind, payload_json, created_at) VALUES (?,?,?,?,?) RETURNING seq',
                         (str(uuid.uuid4()), session, kind, json.dumps(payload, separators=(',', ':')), now()))
        seq = cur.fetchone()[0]
    state['last_seq'] = seq
    return seq

def send(conn, obj):
    data = json.dumps(obj).encode()
    try:
        conn.sendall(struct.pack('>I', len(data)) + data)
        return True
    except OSError:
        return False

def notify(obj):
    with sub_lock:
        for c in list(subscribers):
            if not send(c, obj):
                subscribers.remove(c)

def reader():
    decoder = codecs.getincrementaldecoder('utf-8')('strict')
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        try:
            text = decoder.decode(data)
            payload = {'data': text} if text else None
        except UnicodeDecodeError:
            decoder.reset()
            payload = {'dataBase64': base64.b64encode(data).decode()}
            text = ''
        state['text'] = (state['text'] + text)[-20000:]
        if payload is not None:
            seq = append('output', payload)
            notify({'event': 'appended', 'seq': seq})
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        code, sig = os.WEXITSTATUS(status), None
    else:
        code, sig = None, 'SIG' + signal.Signals(os.WTERMSIG(status)).name[3:]
    state.update(exited=True, exit_code=code, signal=sig)
    seq = append('exit', {'exitCode': code, 'signal': sig, 'status': 'finished' if code == 0 and sig is None else 'failed'})
    notify({'event': 'exited', 'exitCode': code, 'signal': sig, 'seq': seq})
    time.sleep(0.5)
    try:
        os.unlink(sock_path)
    except OSError:
        pass
    os._exit(0)

def killpg(sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass

def handle(req):
    op = req.get('op')
    if op == 'hello':
        return {'protocol': 1, 'sessionId': session, 'lanePid': lane_pid, 'laneStartTime': lane_start}
    if op == 'status':
        return {'sessionId': session, 'lanePid': lane_pid, 'laneStartTime': lane_start, 'harnessPid': pid,
                'harnessStartTime': harness_start, 'cols': state['cols'], 'rows': state['rows'], 'lastSeq': state['last_seq'],
                'exited': state['exited'], 'exitCode': state['exit_code'], 'signal': state['signal']}
    if op == 'input':
        data = req['data'].encode() if 'data' in req else base64.b64decode(req['dataBase64'])
        os.write(master, data)
        return {}
    if op == 'resize':
        state['cols'], state['rows'] = req['cols'], req['rows']
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', req['rows'], req['cols'], 0, 0))
        return {}
    if op == 'signal':
        killpg(getattr(signal, 'SIG' + req['signal'].upper().removeprefix('SIG')))
        return {}
    if op == 'kill':
        killpg(getattr(signal, 'SIG' + req.get('signal', 'TERM').upper().removeprefix('SIG')))
        grace = req.get('graceMs', 3000) / 1000.0
        threading.Timer(grace, lambda: killpg(signal.SIGKILL)).start()
        return {}
    if op == 'screen':
        lines = state['text'].replace('\r', '').split('\n')[-state['rows']:]
        return {'screen': {'cols': state['cols'], 'rows': state['rows'], 'cursor': {'row': len(lines) - 1, 'col': len(lines[-1]), 'visible': True},
                           'altScreen': False, 'title': '', 'lines': lines}}
    raise KeyError(op)

def serve(conn):
    try:
        while True:
            header = conn.recv(4, socket.MSG_WAITALL)
            if len(header) < 4:
                break
            n = struct.unpack('>I', header)[0]
            req = json.loads(conn.recv(n, socket.MSG_WAITALL))
            try:
                if req.get('op') == 'subscribe':
                    with sub_lock:
                        send(conn, {'id': req['id'], 'ok': True})
                        subscribers.append(conn)
                    continue
                reply = handle(req)
                reply.update(id=req['id'], ok=True)
            except KeyError:
                reply = {'id': req.get('id'), 'ok': False, 'error': {'code': 'unknown_op', 'message': 'unknown op'}}
            except Exception as e:
                reply = {'id': req.get('id'), 'ok': False, 'error': {'code': 'failed', 'message': str(e)}}
            with sub_lock:
                send(conn, reply)
    except OSError:
        pass
    finally:
        with sub_lock:
            if conn in subscribers:
                subscribers.remove(conn)
        conn.close()

threading.Thread(target=reader, daemon=True).start()
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
