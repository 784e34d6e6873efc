#!/usr/bin/env bash
# Distributes the orchestration bundle (modules and configuration) to every configured target,
# recording one metric per target in logs/metrics.jsonl.
set -euo pipefail

ORCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORCH_LOG_DIR="$ORCH_ROOT/logs"
export ORCH_ROOT ORCH_LOG_DIR

for module in logging config metrics git_ops validation; do
  # shellcheck source=/dev/null
  source "$ORCH_ROOT/modules/$module.sh" || { echo "Cannot source module: modules/$module.sh" >&2; exit 2; }
done

usage() {
  cat <<'TXT'
Usage: distribute-orchestration-files.sh [--dry-run] [--help]

Distributes modules/ and config/ to every target listed in config/distribution.json
and records one line per target in logs/metrics.jsonl.
  --dry-run   validate and report without recording or pushing
  --help      show this help (recreates config/default.json when it is missing)
TXT
}

dry_run=0
case "${1:-}" in
  --help|-h)
    [ -f "$ORCH_ROOT/config/default.json" ] || write_default_config "$ORCH_ROOT/config/default.json"
    usage
    exit 0
    ;;
  --dry-run) dry_run=1 ;;
  "") ;;
  *) usage >&2; exit 64 ;;
esac

load_config "$ORCH_ROOT/config/distribution.json"
files=$(find "$ORCH_ROOT/modules" "$ORCH_ROOT/config" -type f | wc -l)
checksum=$(find "$ORCH_ROOT/modules" "$ORCH_ROOT/config" -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)

status=0
while read -r target; do
  [ -n "$target" ] || continue
  start=$(date +%s.%N)
  if validate_target "$target"; then result=success; else result=failure; status=1; fi
  duration=$(elapsed_since "$start")
  echo "$target: $result ($files files, bundle $checksum, ${duration}s)"
  if [ "$dry_run" -eq 0 ]; then
    record_metric distribute "$result" "$duration" "\"files\": $files, \"target\": \"$target\""
    log_info "distribute $target $result in ${duration}s ($files files, bundle $checksum)"
  fi
done < <(config_get targets)

exit "$status"
