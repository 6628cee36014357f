#!/usr/bin/env bash
# Runs every test of Coven.Workflow and prints "N passed, N failed" last.
# Installs what the tests need that a fresh machine with the .NET SDK lacks.
set -uo pipefail
cd "$(dirname "$0")"

# tmux drives the attach tests and is the terminal the screen-model tests compare against.
if ! command -v tmux >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || echo "warning: could not install tmux" >&2
fi

# Real harness CLIs for the terminal-fidelity checks (no network needed to show their first screens).
if [ ! -x .tools/node_modules/.bin/codex ] || [ ! -x .tools/node_modules/.bin/claude ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix .tools --no-audit --no-fund --loglevel=error @openai/codex @anthropic-ai/claude-code >/dev/null 2>&1 \
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
