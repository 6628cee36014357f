#!/bin/bash
# daemon_start_typecount.sh <covend> [NAME=VALUE...]: with gdb breakpoints, how many types the type loader builds and open generics DI closes, up to the first answer.
BIN=$1; shift
H=$(mktemp -d /tmp/perfg.XXXX)
( python3 - $H <<'PY'
import socket,sys,time,os,signal,json
h=sys.argv[1]; t=time.time()
while time.time()-t<500:
    try:
        s=socket.socket(socket.AF_UNIX); s.connect(h+'/coven.sock'); s.send(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'); r=s.recv(20)
        if r.startswith(b'HTTP/1.1 200'): break
    except OSError: time.sleep(0.05)
os.kill(json.load(open(h+'/daemon.json'))['pid'], signal.SIGKILL)
PY
) &
env "$@" gdb -batch -nx -ex 'set pagination off' -ex 'handle all nostop noprint pass' -ex 'break S_P_TypeLoader_Internal_Runtime_TypeLoader_TypeBuilder__BuildType' -ex 'break Microsoft_Extensions_DependencyInjection_Microsoft_Extensions_DependencyInjection_ServiceLookup_CallSiteFactory__CreateOpenGeneric' -ex 'ignore 1 100000' -ex 'ignore 2 100000' -ex 'run' -ex 'info breakpoints' --args $BIN --home $H 2>&1 | grep -E "already hit"
wait; rm -rf $H
