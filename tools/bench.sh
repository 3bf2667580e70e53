#!/usr/bin/env bash
# Benchmarks, measured against raw PostgreSQL on the same throwaway cluster.
#   tools/bench.sh event-store [--events N] [--seconds S]
#   tools/bench.sh api [--events N] [--samples N] [--warm-up N]
#   tools/bench.sh projections [--chips N] [--seed S] [--reuse]
#   tools/bench.sh detection [--chips N] [--seed S] [--lag-minutes M] [--lag-rate R]
# event-store defaults: 1,000,000 events for the bulk legs and 60 s per timed leg. api defaults: a hidden
# chip of 300 events, 200 timed requests per side after 30 warm-up pairs. projections defaults: a generated world
# of 100,000 chips; --reuse keeps its cluster (under $CHIPREGISTRY_BENCH_HOME, default /tmp/chipregistry-bench/projections)
# and reuses a world of the same size and seed; its concentration legs host the API. detection defaults: a world of
# 100,000 chips with its anomalies and clock ticks, caught up by the daemon without and then with the rules, then
# 10 minutes of 500 appends/s with every rule running (the lag leg). Builds Release; the benchmark starts (and removes, unless --reuse) its
# own cluster. Prints name: value lines.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  event-store | detection) ;;
  api | projections) dotnet build src/ChipRegistry.Api/ChipRegistry.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2 ;;
  *)
    echo "usage: tools/bench.sh event-store [--events N] [--seconds S]" >&2
    echo "       tools/bench.sh api [--events N] [--samples N] [--warm-up N]" >&2
    echo "       tools/bench.sh projections [--chips N] [--seed S] [--reuse]" >&2
    echo "       tools/bench.sh detection [--chips N] [--seed S] [--lag-minutes M] [--lag-rate R]" >&2
    exit 2
    ;;
esac

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi

dotnet build tools/ChipRegistry.Bench/ChipRegistry.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet tools/ChipRegistry.Bench/bin/Release/net10.0/ChipRegistry.Bench.dll "$@" --commit "$commit"
