#!/usr/bin/env bash
# Installs Coven for this machine: publishes coven and coven-lane (NativeAOT) and covend for the machine's own
# runtime identifier into PREFIX/lib/coven and links PREFIX/bin/coven. Re-run it to upgrade.
#
#   ./install.sh                    # PREFIX=~/.local
#   ./install.sh --prefix DIR       # another prefix
#   ./install.sh --uninstall        # remove what it installed (sessions and ~/.coven are left alone)
#   ./install.sh --from DIR         # install coven, coven-lane and covend already built in DIR (no publish)
#
# Only files the programs need are installed: no runtimes/ folders of other platforms, no .dbg/.pdb symbol
# files, no IIS web.config. Each file is copied next to its final name and renamed over it, so a running lane
# or daemon keeps its (old) executable and an upgrade never fails with "text file busy".
set -euo pipefail
cd "$(dirname "$0")"

prefix="${HOME:?}/.local"
uninstall=0
quiet=0
from=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) uninstall=1; shift ;;
    --from) [ $# -ge 2 ] || { echo "install.sh: --from needs a directory" >&2; exit 2; }; from=$2; shift 2 ;;
    --from=*) from=${1#--from=}; shift ;;
    -q|--quiet) quiet=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see ./install.sh --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
lib="$prefix/lib/coven"
bin="$prefix/bin"
say() { [ "$quiet" = 1 ] || echo "$@"; }

if [ "$uninstall" = 1 ]; then
  if [ -L "$bin/coven" ] && [ "$(readlink "$bin/coven")" = "$lib/coven" ]; then
    rm -f "$bin/coven"
  fi
  if [ -f "$lib/.coven-install" ]; then
    rm -rf "$lib"
  elif [ -e "$lib" ]; then
    echo "install.sh: $lib was not made by install.sh (no .coven-install marker); left alone" >&2
    exit 1
  fi
  say "removed Coven from $prefix (your sessions and \$COVEN_HOME are untouched)"
  exit 0
fi

if [ -n "$from" ]; then
  # Programs built elsewhere (a packager's publish, or the upgrade test's two builds): installed as they are.
  [ -d "$from" ] || { echo "install.sh: --from $from is not a directory" >&2; exit 2; }
  stage=$(cd "$from" && pwd)
  for exe in coven coven-lane covend; do
    [ -x "$stage/$exe" ] || { echo "install.sh: $stage has no $exe" >&2; exit 1; }
  done
else
  command -v dotnet >/dev/null 2>&1 || { echo "install.sh: the .NET 10 SDK (dotnet) is needed" >&2; exit 1; }

  # The machine's own runtime identifier: linux-x64, linux-arm64, linux-musl-x64, ...
  rid=$(dotnet --info 2>/dev/null | awk -F': *' '/^ *RID:/ {print $2; exit}')
  if [ -z "$rid" ]; then
    case "$(uname -m)" in
      x86_64) rid=linux-x64 ;;
      aarch64|arm64) rid=linux-arm64 ;;
      *) echo "install.sh: unknown machine $(uname -m)" >&2; exit 1 ;;
    esac
  fi

  stage="$PWD/artifacts/install/$rid"
  rm -rf "$stage"
  mkdir -p "$stage"
  say "==> publishing coven, coven-lane and covend for $rid (Release)"
  for project in Coven.Cli Coven.Lane Coven.Daemon; do
    # DebugType=none: no .pdb; StripSymbols keeps NativeAOT's symbols out of the binary (its .dbg is removed below);
    # IsTransformWebConfigDisabled: no web.config for IIS. With -r the daemon's native SQLite comes for $rid only.
    # No analyzers and no XML docs: they are the developers' checks (./test.sh's build runs them) and cost a fifth of
    # the publish; the code compiled is the same.
    if ! out=$(dotnet publish "src/$project" -c Release -r "$rid" -o "$stage" -nologo -v quiet \
        -p:DebugType=none -p:StripSymbols=true -p:IsTransformWebConfigDisabled=true \
        -p:RunAnalyzers=false -p:EnforceCodeStyleInBuild=false -p:GenerateDocumentationFile=false 2>&1); then
      echo "$out" >&2
      echo "install.sh: publishing $project failed" >&2
      exit 1
    fi
  done
  rm -f "$stage"/*.dbg "$stage"/*.pdb "$stage"/web.config "$stage"/*.staticwebassets.*.json
  rm -rf "$stage/runtimes"   # with -r, the native libraries for $rid are already next to the executables
  for exe in coven coven-lane covend; do
    [ -x "$stage/$exe" ] || { echo "install.sh: publish produced no $exe" >&2; exit 1; }
  done
fi

mkdir -p "$lib" "$bin"
installed=()
for f in "$stage"/*; do
  name=$(basename "$f")
  rm -rf "$lib/.$name.new" "$lib/.$name.old"
  cp -pR "$f" "$lib/.$name.new"
  if [ -d "$f" ] && [ -d "$lib/$name" ] && [ ! -L "$lib/$name" ]; then
    # A folder (a JIT build's runtimes/): a directory cannot be renamed over a non-empty one. Running programs keep
    # the files they opened, as with a renamed file.
    mv "$lib/$name" "$lib/.$name.old"
    mv "$lib/.$name.new" "$lib/$name"
    rm -rf "$lib/.$name.old"
  else
    mv -fT "$lib/.$name.new" "$lib/$name"
  fi
  installed+=("$name")
done
# Files of an earlier install that this one no longer has.
if [ -f "$lib/.coven-install" ]; then
  while IFS= read -r old; do
    keep=0
    for n in "${installed[@]}"; do [ "$n" = "$old" ] && keep=1 && break; done
    [ "$keep" = 1 ] || rm -rf "${lib:?}/$old"
  done < "$lib/.coven-install"
fi
printf '%s\n' "${installed[@]}" > "$lib/.coven-install"
ln -sfn "$lib/coven" "$bin/coven"

version=$("$bin/coven" --version)
size=$(du -sh "$lib" | cut -f1)
say "==> installed coven $version into $lib ($size), linked $bin/coven"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "note: $bin is not on your PATH; add it, e.g.  echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc" ;;
esac
if "$bin/coven" daemon status >/dev/null 2>&1; then
  say "note: a daemon is running; 'coven daemon restart' switches it to this version (sessions keep running)"
fi
