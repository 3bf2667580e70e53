#!/usr/bin/env bash
# Runs the registry: starts (creating on first use) the persistent local PostgreSQL cluster, then the API on the
# printed URL. Set CHIPREGISTRY_URL to listen elsewhere.
# On the first start against an empty database it seeds a demo world through the API (`chipreg seed`, about
# CHIPREGISTRY_SEED_CHIPS=2000 chips; CHIPREGISTRY_SEED=0 skips it) with the detection clock driven by the seed, then
# restarts the API with its hourly clock. The admin and demo agency keys are kept in .data/demo.env and printed on
# every start. Only this script seeds, and only its own persistent cluster: the API never seeds itself.
set -euo pipefail
cd "$(dirname "$0")"

url=${CHIPREGISTRY_URL:-http://127.0.0.1:5080}
demo_env=.data/demo.env
tools/dashboard.sh build
# One build: the API and the CLI through one project graph (run.slnf).
dotnet build run.slnf -c Release -nologo -v minimal -clp:ErrorsOnly
chipreg() { dotnet tools/ChipRegistry.Cli/bin/Release/net10.0/chipreg.dll "$@"; }

ConnectionStrings__Registry=$(chipreg db up)
export ConnectionStrings__Registry
echo "run.sh: database ready (chipreg db status shows where)"

wait_ready() {
  for _ in $(seq 1 240); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

if [ ! -f "$demo_env" ] && [ "${CHIPREGISTRY_SEED:-1}" != 0 ]; then
  # The admin key the API issues only on a registry that has none: if it is accepted, the database was empty.
  admin_key=${CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY:-crk_demo_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
  echo "run.sh: first start: the API with the manual clock, to seed a demo world"
  (cd src/ChipRegistry.Api && CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY=$admin_key Registry__Clock=manual \
    Registry__RateLimit__PermitsPerSecond=100000 Registry__RateLimit__Burst=100000 \
    exec dotnet "bin/Release/net10.0/ChipRegistry.Api.dll" --urls "$url") >.data/seed-api.log 2>&1 &
  seed_api=$!
  trap 'kill "$seed_api" 2>/dev/null || true' EXIT
  wait_ready "$seed_api" || { echo "run.sh: the API did not start (see .data/seed-api.log)" >&2; exit 1; }
  if curl -fsS -o /dev/null "$url/api/v1/admin/keys?limit=1" -H "Authorization: Bearer $admin_key"; then
    # Kept before seeding: the admin key is issued once, and a failed seed is not tried again on an empty-no-more database.
    (umask 077 && printf 'CHIPREGISTRY_ADMIN_KEY=%s\n' "$admin_key" >"$demo_env")
    started=$(date +%s)
    # A seed that stops part-way still leaves a registry worth starting: say so, and serve what was seeded.
    if summary=$(chipreg seed --chips "${CHIPREGISTRY_SEED_CHIPS:-2000}" --api "$url" --key "$admin_key"); then
      echo "$summary"
      echo "run.sh: demo world seeded in $(($(date +%s) - started)) s; restarting the API with its hourly clock"
    else
      echo "$summary"
      echo "run.sh: the demo seed stopped after $(($(date +%s) - started)) s (above); the registry starts with what was seeded" >&2
    fi
    agency_key=$(awk -F': ' '/^agency key for /{print $NF}' <<<"$summary")
    printf 'CHIPREGISTRY_DEMO_AGENCY_KEY=%s\n' "$agency_key" >>"$demo_env"
  else
    echo "run.sh: the database already holds a registry; no demo world seeded"
  fi
  kill "$seed_api"
  wait "$seed_api" 2>/dev/null || true
  trap - EXIT
fi

echo "run.sh: the API on $url (reference: $url/scalar, agency dashboard: $url/dashboard/)"
if [ -f "$demo_env" ]; then
  # shellcheck disable=SC1090
  . "$demo_env"
  echo "run.sh: admin key: $CHIPREGISTRY_ADMIN_KEY"
  if [ -n "${CHIPREGISTRY_DEMO_AGENCY_KEY:-}" ]; then
    echo "run.sh: demo agency key (concentration, flags, the dashboard): $CHIPREGISTRY_DEMO_AGENCY_KEY"
  fi
fi
cd src/ChipRegistry.Api
exec dotnet bin/Release/net10.0/ChipRegistry.Api.dll --urls "$url"
