#!/usr/bin/env bash
# Sources every module in a clean shell and checks that it defines what the main script calls.
# Exit status 0 when every module loads.
set -u

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
declare -A required=(
  [logging.sh]="log_info log_warn log_error"
  [config.sh]="load_config config_get write_default_config"
  [metrics.sh]="record_metric elapsed_since"
  [git_ops.sh]="git_sync"
  [validation.sh]="validate_target validate_bundle"
)

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
checked=0
failed=0
for module in "$root"/modules/*.sh; do
  [ -e "$module" ] || break
  name="$(basename "$module")"
  checked=$((checked + 1))
  # shellcheck disable=SC2086 # the function list is meant to split
  if output="$(ORCH_LOG_DIR="$scratch" bash -c '
      source "$1" || exit 2
      shift
      for fn in "$@"; do declare -F "$fn" >/dev/null || { echo "function $fn is not defined"; exit 3; }; done
    ' _ "$module" ${required[$name]:-} 2>&1)"; then
    echo "ok    $name"
  else
    echo "FAIL  $name: Cannot source module${output:+: $output}"
    failed=$((failed + 1))
  fi
done

for name in "${!required[@]}"; do
  if [ ! -f "$root/modules/$name" ]; then
    echo "FAIL  $name: Cannot source module: file not found"
    failed=$((failed + 1))
  fi
done

echo "$checked module(s) checked, $failed failed"
[ "$failed" -eq 0 ]
