#!/bin/sh
# Installs Claude Code with npm (which picks the glibc or musl native package) and keeps only the native
# binary in $2. CLAUDE_CODE_VERSION=none leaves $2 empty: the image then has no claude.
# Usage: install-claude.sh VERSION OUTDIR
set -eu
version=$1 out=$2
mkdir -p "$out"
if [ "$version" = none ]; then
  echo "install-claude: CLAUDE_CODE_VERSION=none, building without Claude Code" >&2
  exit 0
fi
prefix=$(mktemp -d)
# Install scripts are not needed: the platform package already holds the binary.
npm install --prefix "$prefix" --no-save --ignore-scripts --no-fund --no-audit "@anthropic-ai/claude-code@$version"
libc=""
[ -f /etc/alpine-release ] && libc="-musl"
arch=$(node -p 'process.arch')
binary="$prefix/node_modules/@anthropic-ai/claude-code-linux-$arch$libc/claude"
[ -x "$binary" ] || { echo "install-claude: no native binary at $binary" >&2; exit 1; }
cp "$binary" "$out/claude"
rm -rf "$prefix"
