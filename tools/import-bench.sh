#!/usr/bin/env bash
# Memory and speed of `chipreg import` against a local API (issue 15: memory stays flat as inputs grow).
#   tools/import-bench.sh csv ROWS         sale offers of ROWS chips (registered first, in lots of 100,000)
#   tools/import-bench.sh epcis MEGABYTES  an EPCIS document of about MEGABYTES MB of commissioning events
# Builds Release, starts a throwaway cluster and the API on it (removed on exit), registers a manufacturer and an
# operator with keys (and, for EPCIS, a GS1 prefix and GTIN), generates the input under $CHIPREGISTRY_BENCH_HOME
# (default /tmp/chipregistry-bench/import), runs chipreg import under /usr/bin/time -v and prints name: value lines:
# the input's size, seconds, events/s, chipreg's peak resident set (VmHWM, /usr/bin/time's maximum resident size) and
# the API's: its VmHWM is reset (clear_refs 5) once the setup (organisations, lots) is done, so it is the import's own
# peak, read from /proc after the import (api_setup_vmhwm_kib is the peak before the reset, for comparison).
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-}
size=${2:-}
if [[ ! "$kind" =~ ^(csv|epcis)$ || ! "$size" =~ ^[0-9]+$ ]]; then
  echo "usage: tools/import-bench.sh csv ROWS | epcis MEGABYTES" >&2
  exit 2
fi
home=${CHIPREGISTRY_BENCH_HOME:-/tmp/chipregistry-bench/import}
mkdir -p "$home"

dotnet build tools/ChipRegistry.Cli/ChipRegistry.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dotnet build src/ChipRegistry.Api/ChipRegistry.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
chipreg() { dotnet tools/ChipRegistry.Cli/bin/Release/net10.0/chipreg.dll "$@"; }

admin="import-bench-admin-key-0123456789abcdef"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
cluster=""
api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  if [ -n "$cluster" ]; then chipreg db throwaway remove "$cluster" >/dev/null || true; fi
}
trap cleanup EXIT
started=$(chipreg db throwaway start --owner-pid $$)
cluster=$(sed -n 1p <<<"$started")
(cd src/ChipRegistry.Api && ConnectionStrings__Registry=$(sed -n 2p <<<"$started") CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY=$admin \
  Logging__LogLevel__Default=Warning exec dotnet bin/Release/net10.0/ChipRegistry.Api.dll --urls "$url" >"$home/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" "$url/api/v1/admin/keys?limit=1" && break
  sleep 1
done

post() { # key path json: the response body, failing on a non-2xx answer
  curl -sf -X POST "$url$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary "$3"
}
organisation() { # id kind country: its key
  post "$admin" /api/v1/organisations "{\"organisationId\":\"$1\",\"name\":\"$1\",\"kind\":\"$2\",\"country\":\"$3\",\"foundedOn\":\"2001-04-01\"}" >/dev/null
  post "$admin" /api/v1/admin/keys "{\"organisationId\":\"$1\",\"role\":\"$2\",\"label\":\"import bench\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
maker=$(organisation nvidia manufacturer TW)
organisation bench-op operator AE >/dev/null
at=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)

if [ "$kind" = csv ]; then
  input="$home/sale-offers-$size.csv"
  for ((first = 0; first < size; first += 100000)); do
    count=$(( size - first < 100000 ? size - first : 100000 ))
    python3 - "$first" "$count" "$at" >"$home/lot.json" <<'PY'
import json, sys
first, count, at = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print(json.dumps({"lotId": f"bench-lot-{first}", "modelId": "nvidia-h100-sxm", "country": "TW", "fabricatedAt": at,
                  "serials": [f"nvidia:b{n:09d}" for n in range(first, first + count)]}))
PY
    post "$maker" /api/v1/lots @"$home/lot.json" >/dev/null
  done
  python3 - "$size" >"$input" <<'PY'
import sys
out = sys.stdout
out.write("act,chip_id,occurred_at,buyer_id\n")
for n in range(int(sys.argv[1])):
    out.write(f"sale-offer,nvidia:b{n:09d},,bench-op\n")
PY
  events=$size
  arguments=(--csv "$input")
else
  prefix=9$(printf '%09d' $RANDOM)
  post "$admin" /api/v1/gs1/prefixes "{\"companyPrefix\":\"$prefix\",\"manufacturerId\":\"nvidia\"}" >/dev/null
  gtin=$(python3 - "$prefix" <<'PY'
import sys
body = "0" + sys.argv[1] + "01"  # indicator 0, the prefix, item reference 01 (SGTIN field 001): 13 digits
total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
print(body + str((10 - total % 10) % 10))
PY
)
  post "$maker" /api/v1/gs1/gtins "{\"gtin\":\"$gtin\",\"modelId\":\"nvidia-h100-sxm\"}" >/dev/null
  input="$home/commissioning-${size}mb.jsonld"
  events=$(python3 - "$size" "$prefix" "$at" "$input" <<'PY'
import json, sys, uuid
megabytes, prefix, at, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
limit = megabytes * 1_000_000
with open(path, "w") as out:
    out.write('{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",'
              f'"schemaVersion":"2.0","creationDate":"{at}","epcisBody":{{"eventList":[')
    n = 0
    while out.tell() < limit:
        event = {"eventID": f"urn:uuid:{uuid.uuid4()}", "type": "ObjectEvent", "eventTime": at, "eventTimeZoneOffset": "+00:00",
                 "epcList": [f"urn:epc:id:sgtin:{prefix}.001.e{n:09d}"], "action": "ADD", "bizStep": "commissioning",
                 "disposition": "active", "bizLocation": {"id": "urn:chipregistry:country:TW"},
                 "ilmd": {"cbvmda:lotNumber": f"bench-epcis-{n // 100000}"}}
        out.write(("," if n else "") + json.dumps(event, separators=(",", ":")))
        n += 1
    out.write("]}}")
print(n)
PY
)
  arguments=(--epcis "$input")
fi

bytes=$(stat -c %s "$input")
vmhwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$api_pid/status"; }
api_setup_hwm=$(vmhwm)
# the lots registered for the CSV run are the setup's peak, not the import's: start the API's peak afresh
echo 5 >"/proc/$api_pid/clear_refs"
/usr/bin/time -v -o "$home/time.txt" dotnet tools/ChipRegistry.Cli/bin/Release/net10.0/chipreg.dll import "${arguments[@]}" \
  --api "$url" --key "$maker" >"$home/summary.txt" 2>"$home/stderr.txt" || { echo "chipreg import failed:" >&2; tail -20 "$home/summary.txt" "$home/stderr.txt" >&2; exit 1; }
seconds=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$home/time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
hwm=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$home/time.txt")
api_hwm=$(vmhwm)
echo "commit: $(git rev-parse --short HEAD)"
echo "input: $kind $input"
echo "input_bytes: $bytes"
echo "events: $events"
echo "seconds: $seconds"
echo "events_per_second: $(python3 -c "print(round($events / $seconds, 1))")"
echo "chipreg_vmhwm_kib: $hwm"
echo "api_vmhwm_kib: $api_hwm"
echo "api_setup_vmhwm_kib: $api_setup_hwm"
echo "command: tools/import-bench.sh $kind $size"
