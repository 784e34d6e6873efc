# syntax=docker/dockerfile:1
# OrchestrationMaint: build with the .NET SDK, run on Debian (LibGit2Sharp needs glibc; the
# target's maintenance scripts need bash and git).
#   docker build -t orchestration-maint .
#   docker run -p 8080:8080 -v om-data:/data -v /srv/orchestration:/target orchestration-maint

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig OrchestrationMaint.sln ./
COPY src/OrchestrationMaint.Core/OrchestrationMaint.Core.csproj src/OrchestrationMaint.Core/
COPY src/OrchestrationMaint.Web/OrchestrationMaint.Web.csproj src/OrchestrationMaint.Web/
COPY migrations/OrchestrationMaint.Migrations/OrchestrationMaint.Migrations.csproj migrations/OrchestrationMaint.Migrations/
RUN dotnet restore src/OrchestrationMaint.Web/OrchestrationMaint.Web.csproj -r linux-x64
COPY src/ src/
COPY migrations/ migrations/
COPY wwwroot-assets/ wwwroot-assets/
RUN dotnet publish src/OrchestrationMaint.Web/OrchestrationMaint.Web.csproj -c Release -r linux-x64 --self-contained false \
    --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends bash git curl ca-certificates shellcheck tzdata tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 maint \
    && useradd --system --uid 10001 --gid maint --home-dir /data --shell /usr/sbin/nologin maint \
    && mkdir -p /data /target \
    && chown maint:maint /data \
    # The target is mounted from the host and owned by someone else: let git work in it.
    && git config --system --add safe.directory '*'
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1 \
    Storage__DataDirectory=/data \
    Target__Root=/target
# To try the built-in demo instead of a mounted target: docker run -e Target__Root= ...
VOLUME ["/data"]
EXPOSE 8080
USER maint
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
# tini as PID 1 reaps the processes a cancelled task left behind (dotnet as PID 1 would leave zombies).
ENTRYPOINT ["tini", "--", "dotnet", "OrchestrationMaint.Web.dll"]
