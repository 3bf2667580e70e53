#!/usr/bin/env bash
# Runs the registry: starts (creating on first use) the persistent local PostgreSQL cluster,
# then the API on the printed URL. Set CHIPREGISTRY_URL to listen elsewhere.
set -euo pipefail
cd "$(dirname "$0")"

url=${CHIPREGISTRY_URL:-http://127.0.0.1:5080}
dotnet build tools/ChipRegistry.Cli/ChipRegistry.Cli.csproj -c Release -nologo -v minimal -clp:ErrorsOnly
dotnet build src/ChipRegistry.Api/ChipRegistry.Api.csproj -c Release -nologo -v minimal -clp:ErrorsOnly

ConnectionStrings__Registry=$(dotnet tools/ChipRegistry.Cli/bin/Release/net10.0/chipreg.dll db up)
export ConnectionStrings__Registry
echo "run.sh: database ready (chipreg db status shows where); starting the API on $url"
cd src/ChipRegistry.Api
exec dotnet bin/Release/net10.0/ChipRegistry.Api.dll --urls "$url"
