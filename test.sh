#!/usr/bin/env bash
# Runs every test of Coven.Workflow and prints "N passed, N failed" last.
# Installs what the tests need that a fresh machine with the .NET SDK lacks.
set -uo pipefail
cd "$(dirname "$0")"

# tmux drives the attach tests and is the terminal the screen-model tests compare against; a real sshd and ssh
# client carry the remote-host tests (the tests fail, never skip, when one is missing).
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
# The web cockpit's tests drive Debian's chromium headless (docs/web.md); they fail, never skip, without it.
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 || echo "warning: could not install ${missing[*]}" >&2
fi

# Real harness CLIs, pinned (the agent-turn tests script them against a local endpoint; their wire format and
# screens are version-specific). Reinstalled when the installed versions differ.
codex_version=0.171.0 claude_version=2.1.197
if [ "$(.tools/node_modules/.bin/codex --version 2>/dev/null)" != "codex-cli $codex_version" ] \
  || [ "$(.tools/node_modules/.bin/claude --version 2>/dev/null)" != "$claude_version (Claude Code)" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix .tools --no-audit --no-fund --loglevel=error "@openai/codex@$codex_version" "@anthropic-ai/claude-code@$claude_version" >/dev/null 2>&1 \
      || echo "warning: npm install of the harness CLIs failed; real-harness tests will report it" >&2
  fi
fi

log=$(mktemp)
# A hung test (a real process that never answers) is dumped and killed instead of eating CI's time budget
# (10 minutes: the install test publishes three programs, NativeAOT, which takes minutes on a small machine).
dotnet test Coven.Workflow.sln --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the build or the runner failed before any test result was printed
fi
rm -f "$log"
echo "$passed passed, $failed failed"
exit "$status"
