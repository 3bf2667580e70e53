#!/usr/bin/env bash
# The agency dashboard's build steps, for run.sh, test.sh and a developer:
#   tools/dashboard.sh build      npm ci (when the lockfile changed) and npm run build into src/ChipRegistry.Dashboard/dist
#   tools/dashboard.sh chromium   Debian's chromium at /usr/bin/chromium, for the browser tests
# As root, each installs what is missing through apt-get (Node.js and npm; chromium), the way the scripts install
# PostgreSQL's binaries; otherwise it says what to install and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

dashboard=src/ChipRegistry.Dashboard
apt_updated=""

install_debian() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "dashboard.sh: $* missing: install Debian's package ($*), or run as root to have it installed" >&2
    exit 1
  fi
  echo "dashboard.sh: installing Debian's $* (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

build() {
  command -v npm >/dev/null && command -v node >/dev/null || install_debian nodejs npm
  # npm ci only when the lockfile is newer than the installed tree: a warm tree builds in a second.
  if [ ! -f "$dashboard/node_modules/.package-lock.json" ] || [ "$dashboard/package-lock.json" -nt "$dashboard/node_modules/.package-lock.json" ]; then
    (cd "$dashboard" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd "$dashboard" && npm run --silent build)
}

chromium() {
  [ -x /usr/bin/chromium ] || install_debian chromium
}

case "${1:-}" in
  build) build ;;
  chromium) chromium ;;
  *) echo "usage: tools/dashboard.sh build|chromium" >&2; exit 2 ;;
esac
