#!/usr/bin/env bash
# Appends one JSON object per operation to logs/metrics.jsonl (the dashboard reads it).

record_metric() {
  local operation="$1" status="$2" duration="$3" extra="${4:-}"
  mkdir -p "$ORCH_LOG_DIR"
  printf '{"timestamp": "%s", "operation": "%s", "status": "%s", "duration_seconds": %s%s}\n' \
    "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$operation" "$status" "$duration" "${extra:+, $extra}" \
    >> "$ORCH_LOG_DIR/metrics.jsonl"
}

elapsed_since() {
  local start="$1"
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'
}
