#!/usr/bin/env bash
# Install what the `renderers` tests need (deselected by default; CI runs them): Debian's chromium and graphviz, and
# mermaid-cli from npm without its own browser download. Prints the path of mmdc for SPRINTGEN_MMDC.
#   SPRINTGEN_MMDC=$(bash scripts/install_renderers.sh) python -m pytest -m renderers
# Needs root (or sudo) for apt-get; node and npm must be on PATH.
set -euo pipefail
prefix=${1:-"${XDG_CACHE_HOME:-$HOME/.cache}/sprintgen-renderers"}
if ! command -v chromium >/dev/null || ! command -v dot >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium graphviz >&2
fi
if [ ! -x "$prefix/node_modules/.bin/mmdc" ]; then
  mkdir -p "$prefix"
  (cd "$prefix" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund @mermaid-js/mermaid-cli >&2)
fi
echo "$prefix/node_modules/.bin/mmdc"
