#!/usr/bin/env bash
# Runs every test of Coven.Workflow and prints "N passed, N failed" last.
# Installs what the tests need that a fresh machine with the .NET SDK lacks.
set -uo pipefail
cd "$(dirname "$0")"

# The NativeAOT install (./install.sh, the README's first command) is the slowest single step of the suite: minutes of
# mostly single-threaded compiler work, 10+ minutes on a 2-core machine once the tests load it. A full run (no
# arguments) starts it first, in the background, so it overlaps the package installs below, the build and the first
# tests; InstallTests then checks what it installed (COVEN_TEST_INSTALL, tests/Coven.Cli.Tests/InstallTests.cs). It runs
# from a copy of the tree (artifacts/test-install/tree, kept between runs so an unchanged tree publishes incrementally)
# so that its restore for this machine's RID never races the test build's restore of the same projects. With arguments
# (a filter, say) InstallTests runs ./install.sh itself.
install_pid=
if [ $# -eq 0 ]; then
  export COVEN_TEST_INSTALL="$PWD/artifacts/test-install"
  tree="$COVEN_TEST_INSTALL/tree"
  rm -rf "$COVEN_TEST_INSTALL/prefix" "$COVEN_TEST_INSTALL/status" "$COVEN_TEST_INSTALL/output"
  mkdir -p "$tree" "$COVEN_TEST_INSTALL/prefix/bin"
  # The sources as they are now (uncommitted changes included), over the copy's build outputs; timestamps kept.
  find "$tree" -mindepth 1 \( -name bin -o -name obj -o -name node_modules -o -name artifacts \) -prune -o -type f -print0 | xargs -0 rm -f
  mapfile -t build_tree < <(grep -v -e '^#' -e '^$' tests/build-tree.txt)
  tar --exclude=bin --exclude=obj --exclude=node_modules -cf - "${build_tree[@]}" | tar -C "$tree" -xf -
  # A file of the user's in the prefix: uninstall must leave it (InstallTests checks).
  echo "not ours" > "$COVEN_TEST_INSTALL/prefix/bin/other-tool"
  setsid bash -c 'env -u COVEN_HOME "$1/tree/install.sh" --prefix "$1/prefix" > "$1/output" 2>&1; echo $? > "$1/status.new"; mv "$1/status.new" "$1/status"' \
    _ "$COVEN_TEST_INSTALL" < /dev/null &
  install_pid=$!
fi
stop_install() {
  # Only when the tests ended without waiting for it (a crash of the test host): never leave a publish running.
  [ -n "$install_pid" ] && kill -0 "$install_pid" 2>/dev/null && kill -- "-$install_pid" 2>/dev/null
  return 0
}
trap stop_install EXIT

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
# One dotnet test of the solution: it builds each test project and runs it as soon as it is built, on one MSBuild
# node per core, so the short assemblies run while the rest still builds. Measured on the 2-core VM, everything from
# scratch with the install beside it: 20 minutes, the two cores busy throughout (building everything first and then
# running the assemblies one at a time was no faster; the CLI and daemon assemblies at once, slower).
# A hung test (a real process that never answers) is dumped and killed instead of eating CI's time budget
# (10 minutes: run with arguments, the install test publishes three programs, NativeAOT, which takes minutes).
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
