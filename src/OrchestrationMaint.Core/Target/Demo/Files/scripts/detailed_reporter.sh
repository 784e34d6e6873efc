#!/usr/bin/env bash
# Summarises logs/metrics.jsonl: success rate and slow operations (numeric comparison).
# Usage: detailed_reporter.sh summary|weekly
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
metrics="$root/logs/metrics.jsonl"
mode="${1:-summary}"
[ -f "$metrics" ] || { echo "No metrics yet: $metrics is missing"; exit 0; }

since=""
if [ "$mode" = "weekly" ]; then
  since="$(date -u -d '7 days ago' '+%Y-%m-%dT%H:%M:%S')"
elif [ "$mode" != "summary" ]; then
  echo "Usage: $0 summary|weekly" >&2
  exit 64
fi

awk -v since="$since" -v mode="$mode" '
  match($0, /"timestamp": *"[^"]*"/) { ts = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", ts); sub(/"$/, "", ts) }
  since != "" && ts < since { next }
  /"status": *"success"/ { ok++ }
  /"status": *"failure"/ { fail++ }
  match($0, /"duration_seconds": *"?[0-9.]+/) { d = substr($0, RSTART, RLENGTH); sub(/.*: *"?/, "", d); if (d + 0 > 10) slow++ }
  END {
    total = ok + fail
    printf "Report: %s\n", mode
    if (total == 0) { print "Success rate: no data"; exit }
    rate = 100 * ok / total
    printf "Operations: %d (%d succeeded, %d failed)\n", total, ok, fail
    printf "Success rate: %.2f%%%s\n", rate, (rate < 95 ? "  WARNING: below 95%" : "")
    printf "Slow operations (> 10 s): %d\n", slow
  }' "$metrics"
