# The registry API. TLS is terminated in front of it (a load balancer or reverse proxy).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The same publish command .ci/run runs, so CI catches a broken image build without Docker.
RUN dotnet publish src/ChipRegistry.Api/ChipRegistry.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "ChipRegistry.Api.dll"]
