#!/usr/bin/env bash
# Remote-host benchmark (docs/benchmarks-cli.md, "Remote hosts"): `coven --host ssh://… sessions --json` against
# `ssh host tmux list-sessions`, both through the same sshd on 127.0.0.1 with ControlMaster on (one master
# connection each, so neither pays the SSH handshake per run), 10 sessions on each side, same run.
# Needs: hyperfine, tmux, openssh-server + client, the .NET SDK with gcc (NativeAOT).
# Usage: tests/bench/remote-bench.sh [results.md]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/coven-remote-bench.md}

aot=/tmp/coven-aot
dotnet publish src/Coven.Cli -c Release -o "$aot" -p:OutDir=/tmp/coven-aot-obj/ -nologo -v q >/dev/null
bin=/tmp/coven-rel
dotnet build src/Coven.Daemon -c Release -p:OutDir="$bin/" -nologo -v q >/dev/null
dotnet publish src/Coven.Lane -c Release -o "$bin/lane-aot" -p:OutDir="$bin/lane-obj/" -nologo -v q >/dev/null

work=$(mktemp -d /tmp/cvn-rbench-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"; ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
cat > "$work/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $work/sshd.pid
SetEnv COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$bin/lane-aot/coven-lane
CFG
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" > "$work/known_hosts"
cat > "$work/ssh_config" <<CFG
Host *
  IdentityFile $work/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  StrictHostKeyChecking yes
  ControlMaster auto
  ControlPath $work/cm-%C
  ControlPersist 120
CFG
/usr/sbin/sshd -f "$work/sshd_config" -E "$work/sshd.log"

remote_home=$work/remote
mkdir -p "$remote_home" && chmod 700 "$remote_home"
printf '{"harnesses":[{"id":"trivial","executable":"/bin/cat","promptArgs":[]}]}\n' > "$remote_home/harnesses.json"
tsock=$work/tmux.sock
coven=$aot/coven
export COVEN_HOME=$work/local COVEN_SSH_CONFIG=$work/ssh_config COVEN_REMOTE_COVEN=$coven COVEN_REMOTE_HOME=$remote_home
host="ssh://$(id -un)@127.0.0.1:$port"
ssh_cmd=(ssh -F "$work/ssh_config" -p "$port" "$(id -un)@127.0.0.1")

cleanup() {
  for id in $($coven --home "$remote_home" sessions --status live,pending --quiet 2>/dev/null); do $coven --home "$remote_home" kill "$id" --signal KILL >/dev/null 2>&1 || true; done
  $coven --home "$remote_home" daemon stop >/dev/null 2>&1 || true
  tmux -S "$tsock" kill-server >/dev/null 2>&1 || true
  ssh -F "$work/ssh_config" -p "$port" -O exit "$(id -un)@127.0.0.1" >/dev/null 2>&1 || true
  kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

COVEN_DAEMON_PATH=$bin/covend COVEN_LANE_PATH=$bin/lane-aot/coven-lane $coven --home "$remote_home" daemon start
for i in $(seq 1 10); do
  $coven --home "$remote_home" run trivial --detach --root "$work" --title "bench $i" >/dev/null
  tmux -S "$tsock" new-session -d -s "s$i" cat
done
# Open both master connections and warm the daemon's list path.
"${ssh_cmd[@]}" true
for i in $(seq 1 200); do $coven --home "$remote_home" sessions --json >/dev/null; done
$coven --host "$host" sessions --json | head -c 200; echo

hyperfine -N --warmup 10 --runs 100 \
  --export-markdown "$work/remote.md" \
  "$coven --host $host sessions --json" \
  "${ssh_cmd[*]} tmux -S $tsock list-sessions"

{
  echo "## coven --host ssh:// sessions --json (10) vs ssh host tmux list-sessions (10), ControlMaster on ($(date -u +%FT%TZ))"
  cat "$work/remote.md"
} | tee "$out"
