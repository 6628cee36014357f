#!/usr/bin/env bash
# Installs Coven (./install.sh: NativeAOT coven and coven-lane, and covend, into PREFIX, default ~/.local) and
# runs its main job with what it installed: launches a real harness session (Codex CLI) under the daemon, shows
# what it has on screen, lists sessions, and stops it again.
#
#   ./quickstart.sh                 # codex, installed locally into .tools/ with npm if missing
#   ./quickstart.sh claude          # or Claude Code
#   PREFIX=/opt/coven ./quickstart.sh
#
# Runtime state goes to $COVEN_HOME (default ~/.coven), never into this tree.
set -euo pipefail
cd "$(dirname "$0")"
harness=${1:-codex}

prefix=${PREFIX:-$HOME/.local}
./install.sh --prefix "$prefix"
coven="$prefix/bin/coven"

if ! command -v "$harness" >/dev/null 2>&1 && [ ! -x ".tools/node_modules/.bin/$harness" ]; then
  echo "==> installing the $harness CLI into .tools/ (npm)"
  npm install --prefix .tools --no-audit --no-fund --loglevel=error @openai/codex@0.171.0 @anthropic-ai/claude-code@2.1.197 >/dev/null
fi
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

# The daemon inherits this environment (PATH included) when coven starts it; restart it so it sees .tools/.
"$coven" daemon stop >/dev/null 2>&1 || true

project=$(mktemp -d /tmp/coven-demo-XXXXXX)
git -C "$project" init -q
echo "==> coven run $harness \"say hello\" --detach   (project root $project)"
id=$("$coven" run "$harness" "say hello" --root "$project" --detach)
echo "    session $id"

echo "==> waiting for the harness's first screen"
"$coven" wait "$id" --settle 1500ms --timeout 30s >/dev/null || true
"$coven" screen "$id" | sed -e 's/[[:space:]]*$//' | awk 'NF || blank++ < 1' | head -30

echo "==> coven sessions"
"$coven" sessions

echo "==> coven kill $id"
"$coven" kill "$id" >/dev/null     # returns once the session has ended
"$coven" show "$id" | head -12
echo
echo "Try: $coven run $harness   (attached; Ctrl-] detaches)   and   $coven --help"
