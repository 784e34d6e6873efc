#!/usr/bin/env bash
# Performance log housekeeping.
# Usage: performance_monitor.sh status | clean DAYS   (clean removes rotated logs older than DAYS)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-status}" in
  status)
    du -sh "$root/logs"
    tail -5 "$root/logs/performance.log" 2>/dev/null || echo "No performance log yet"
    ;;
  clean)
    days="${2:-30}"
    [[ "$days" =~ ^[0-9]+$ ]] || { echo "DAYS must be a whole number" >&2; exit 64; }
    find "$root/logs" -type f \( -name '*.log.*' -o -name '*.jsonl.*' \) -mtime +"$days" -print -delete
    ;;
  *)
    echo "Usage: $0 status | clean DAYS" >&2
    exit 64
    ;;
esac
