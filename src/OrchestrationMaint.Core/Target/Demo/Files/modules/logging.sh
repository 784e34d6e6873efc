#!/usr/bin/env bash
# Logging helpers: every line goes to logs/performance.log with a UTC timestamp and a level.

ORCH_LOG_DIR="${ORCH_LOG_DIR:-logs}"

_orch_log() {
  local level="$1"; shift
  mkdir -p "$ORCH_LOG_DIR"
  printf '%s [%s] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$level" "$*" >> "$ORCH_LOG_DIR/performance.log"
}

log_info() { _orch_log INFO "$@"; }
log_warn() { _orch_log WARN "$@"; }
log_error() { _orch_log ERROR "$@"; echo "ERROR: $*" >&2; }
