#!/usr/bin/env bash
# Measures what the README's performance section reports, on this machine, in one run:
#   - cold start: first start on an empty data directory (migrations + demo target generation)
#     until /health/ready answers 200;
#   - warm start: the same data directory again;
#   - memory of the idle app (VmRSS after 30 s idle and after one page view, peak RSS from /usr/bin/time -v);
#   - `dotnet run --project src/OrchestrationMaint.Web` with an up-to-date build, until ready.
# Usage: tests/perf/measure-startup.sh   (builds Release first; uses port 5193)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
dotnet build src/OrchestrationMaint.Web -c Release -nologo -clp:ErrorsOnly >/dev/null
app="$repo/src/OrchestrationMaint.Web/bin/Release/net10.0/OrchestrationMaint.Web.dll"
work="$(mktemp -d)"
port=5193
runner=""
trap '[ -n "$runner" ] && kill "$runner" 2>/dev/null; rm -rf "$work"' EXIT

wait_ready() { # $1: start time; prints seconds until /health/ready is 200 (gives up after 60 s)
  local deadline=$((SECONDS + 60))
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "not ready after 60 s" >&2; exit 1; }
    sleep 0.05
  done
  echo "$(date +%s.%N) - $1" | bc
}

app_pid() { pgrep -P "$runner" -f "dotnet $app" | head -1; }

start_app() { # $1: label; runs the app under /usr/bin/time in the background
  local begin
  begin=$(date +%s.%N)
  (cd "$work" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
      /usr/bin/time -v -o "$work/time-$1.txt" dotnet "$app" >"$work/app-$1.log" 2>&1) &
  runner=$!
  printf '%-34s %6.2f s\n' "$1 start until ready:" "$(wait_ready "$begin")"
}

stop_app() {
  kill -INT "$(app_pid)" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  runner=""
}

start_app cold
stop_app
start_app warm
sleep 30
printf '%-34s %6.0f MiB\n' "idle RSS after 30 s:" "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$(app_pid)/status")"
curl -sf -o /dev/null "http://127.0.0.1:$port/"
printf '%-34s %6.0f MiB\n' "RSS after one page view:" "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$(app_pid)/status")"
stop_app
printf '%-34s %6.0f MiB\n' "peak RSS (time -v):" "$(awk -F': ' '/Maximum resident/ {print $2 / 1024}' "$work/time-warm.txt")"

begin=$(date +%s.%N)
Storage__DataDirectory="$work/run-data" ASPNETCORE_URLS="http://127.0.0.1:$port" \
  dotnet run --project src/OrchestrationMaint.Web -c Release --no-launch-profile >"$work/run.log" 2>&1 &
runner=$!
printf '%-34s %6.2f s\n' "dotnet run (built) until ready:" "$(wait_ready "$begin")"
# dotnet run passes Ctrl+C on to the app; give it five seconds, then end both.
kill -INT "$runner" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
pkill -P "$runner" 2>/dev/null || true
kill "$runner" 2>/dev/null || true
runner=""
