#!/usr/bin/env bash
# Measures what the README's performance section reports, on this machine, in one run:
#   - cold start: first start on an empty data directory (migrations + demo target generation)
#     until /health/ready answers 200;
#   - warm start: the same data directory again;
#   - memory of the idle app (VmRSS after 30 s idle, and peak RSS from /usr/bin/time -v);
#   - `dotnet run --project src/OrchestrationMaint.Web` with an up-to-date build until ready.
# Usage: tests/perf/measure-startup.sh   (builds Release first)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
dotnet build src/OrchestrationMaint.Web -c Release -nologo -clp:ErrorsOnly >/dev/null
app="$repo/src/OrchestrationMaint.Web/bin/Release/net10.0/OrchestrationMaint.Web.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
port=5193

wait_ready() { # prints seconds from $1 until /health/ready is 200
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.05; done
  echo "$(date +%s.%N) - $1" | bc
}

start_app() { # $1: label
  local begin pid
  begin=$(date +%s.%N)
  (cd "$work" && ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
      /usr/bin/time -v -o "$work/time-$1.txt" dotnet "$app" >"$work/app-$1.log" 2>&1) &
  printf '%-34s %6.2f s\n' "$1 start until ready:" "$(wait_ready "$begin")"
}

stop_app() {
  pkill -INT -f "dotnet $app" || true
  while pgrep -f "dotnet $app" >/dev/null; do sleep 0.1; done
}

start_app cold
stop_app
start_app warm
sleep 30
pid="$(pgrep -f "^dotnet $app" | head -1)"
printf '%-34s %6.0f MiB\n' "idle RSS after 30 s:" "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")"
curl -sf -o /dev/null "http://127.0.0.1:$port/"
printf '%-34s %6.0f MiB\n' "RSS after one page view:" "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")"
stop_app
printf '%-34s %6.0f MiB\n' "peak RSS (time -v):" "$(awk -F': ' '/Maximum resident/ {print $2 / 1024}' "$work/time-warm.txt")"

begin=$(date +%s.%N)
(Storage__DataDirectory="$work/run-data" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    dotnet run --project src/OrchestrationMaint.Web -c Release --no-launch-profile >"$work/run.log" 2>&1) &
printf '%-34s %6.2f s\n' "dotnet run (built) until ready:" "$(wait_ready "$begin")"
pkill -INT -f "OrchestrationMaint.Web" || true
wait 2>/dev/null || true
