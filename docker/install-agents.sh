#!/bin/sh
# Installs the agents AGENTS names (comma- or space-separated), other than Claude Code (install-claude.sh), into
# OUTDIR laid out like /usr/local: bin/<agent> and lib/agentgate-agents/<agent>/. Versions come from the
# environment (CODEX_VERSION, GEMINI_CLI_VERSION, OPENCODE_VERSION, COPILOT_VERSION: the Dockerfile's global
# ARGs). Where a package ships a native binary, only that binary is kept. An unknown name fails the build.
# Usage: install-agents.sh AGENTS OUTDIR
set -eu
agents=$(printf '%s' "$1" | tr ',' ' ') out=$2
mkdir -p "$out/bin" "$out/lib/agentgate-agents"
# npm picks the glibc or musl platform package; the native binaries' package names say which.
musl=""
[ -f /etc/alpine-release ] && musl=musl
arch=$(node -p 'process.arch')

# Install scripts are not needed: each platform package already holds its binary (node-pty and keytar, optional
# for Gemini CLI, fall back without their native builds).
npm_install() {
  npm install --prefix "$1" --no-save --ignore-scripts --no-fund --no-audit "$2"
}

# A native binary, copied out of a throwaway install.
install_binary() {
  name=$1 package=$2 binary=$3
  prefix=$(mktemp -d)
  npm_install "$prefix" "$package"
  [ -x "$prefix/node_modules/$binary" ] || { echo "install-agents: no native binary at node_modules/$binary" >&2; exit 1; }
  cp "$prefix/node_modules/$binary" "$out/bin/$name"
  rm -rf "$prefix"
}

# A package run by Node, kept whole in lib/agentgate-agents/NAME, its launcher linked into bin/.
install_node_package() {
  name=$1 package=$2 launcher=$3
  npm_install "$out/lib/agentgate-agents/$name" "$package"
  chmod 0755 "$out/lib/agentgate-agents/$name/node_modules/$launcher"
  ln -s "../lib/agentgate-agents/$name/node_modules/$launcher" "$out/bin/$name"
}

for agent in $agents; do
  case $agent in
    claude) continue ;;
    # Codex's launcher puts its bundled ripgrep and sandbox helper on PATH for the native binary: kept whole.
    codex) install_node_package codex "@openai/codex@$CODEX_VERSION" @openai/codex/bin/codex.js ;;
    gemini) install_node_package gemini "@google/gemini-cli@$GEMINI_CLI_VERSION" @google/gemini-cli/bundle/gemini.js ;;
    opencode) install_binary opencode "opencode-ai@$OPENCODE_VERSION" "opencode-linux-$arch${musl:+-$musl}/bin/opencode" ;;
    copilot) install_binary copilot "@github/copilot@$COPILOT_VERSION" "@github/copilot-linux$musl-$arch/copilot" ;;
    *) echo "install-agents: unknown agent \"$agent\" in AGENTS (known: claude, codex, gemini, opencode, copilot)" >&2; exit 1 ;;
  esac
  echo "install-agents: $agent installed" >&2
done
