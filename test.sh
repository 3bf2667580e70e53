#!/usr/bin/env bash
# Runs every test of the solution against a real PostgreSQL.
# Starts one throwaway local cluster (removed on exit, Ctrl-C or TERM) unless
# CHIPREGISTRY_TEST_DATABASE already names a server, in which case it starts nothing.
# Extra arguments go to `dotnet test` (e.g. --filter). TRX results land in
# $CHIPREGISTRY_TEST_RESULTS (default ./TestResults).
set -euo pipefail
cd "$(dirname "$0")"

results=${CHIPREGISTRY_TEST_RESULTS:-"$PWD/TestResults"}
# The browser tests save their screenshots beside the TRX files.
export CHIPREGISTRY_TEST_RESULTS="$results"
# The dashboard's static files are built before the API that serves them; its tests need Debian's chromium.
tools/dashboard.sh build
tools/dashboard.sh chromium
dotnet build ChipRegistry.sln -c Debug -nologo -v minimal -clp:ErrorsOnly

chipreg() { dotnet tools/ChipRegistry.Cli/bin/Debug/net10.0/chipreg.dll "$@"; }

cluster_dir=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$cluster_dir" ]; then
    chipreg db throwaway remove "$cluster_dir" || echo "test.sh: could not remove $cluster_dir" >&2
  fi
  # Clusters that tests start for themselves are owned by the test processes; after an interrupt
  # those processes are gone, so this removes their clusters now rather than at the next run.
  chipreg db throwaway reap >/dev/null || true
  exit "$status"
}

if [ -z "${CHIPREGISTRY_TEST_DATABASE:-}" ]; then
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  started=$(chipreg db throwaway start --owner-pid $$)
  cluster_dir=$(sed -n 1p <<<"$started")
  export CHIPREGISTRY_TEST_DATABASE
  CHIPREGISTRY_TEST_DATABASE=$(sed -n 2p <<<"$started")
  echo "test.sh: throwaway cluster in $cluster_dir"
else
  echo "test.sh: using the server named by CHIPREGISTRY_TEST_DATABASE"
fi

set +e
dotnet test ChipRegistry.sln --no-build -c Debug --logger trx --results-directory "$results" "$@"
status=$?
set -e

# Every fixture drops what it created; anything left is a defect worth failing the run for.
if ! chipreg db throwaway leftovers "$CHIPREGISTRY_TEST_DATABASE"; then
  echo "test.sh: tests left databases or roles behind (listed above)" >&2
  status=1
fi
exit "$status"
