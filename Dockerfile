# The registry API. TLS is terminated in front of it (a load balancer or reverse proxy).
# The agency dashboard's static files, built from the lockfile (tools/dashboard.sh build does the same outside Docker).
FROM node:20-bookworm-slim AS dashboard
WORKDIR /dashboard
COPY src/ChipRegistry.Dashboard/package.json src/ChipRegistry.Dashboard/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/ChipRegistry.Dashboard/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
COPY --from=dashboard /dashboard/dist src/ChipRegistry.Dashboard/dist
# The same publish command .ci/run runs, so CI catches a broken image build without Docker.
RUN dotnet publish src/ChipRegistry.Api/ChipRegistry.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "ChipRegistry.Api.dll"]
