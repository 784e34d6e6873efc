#!/usr/bin/env bash
# Configuration helpers. jq is used when present; the fallbacks keep the scripts working without it.

load_config() {
  local file="$1"
  if [ ! -f "$file" ]; then
    log_error "Configuration file not found: $file"
    return 1
  fi
  if command -v jq >/dev/null 2>&1 && ! jq empty "$file" >/dev/null 2>&1; then
    log_error "Invalid JSON in $file"
    return 1
  fi
  ORCH_CONFIG_FILE="$file"
}

# config_get KEY: prints a top-level scalar, or the items of a top-level array one per line.
config_get() {
  local key="$1"
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg k "$key" '.[$k] | if type == "array" then .[] else . end' "$ORCH_CONFIG_FILE"
  else
    tr -d '\n' < "$ORCH_CONFIG_FILE" | grep -o "\"$key\": *\(\[[^]]*\]\|\"[^\"]*\"\|[0-9.]*\)" \
      | sed -e "s/\"$key\": *//" -e 's/[][]//g' | tr ',' '\n' | tr -d ' "'
  fi
}

write_default_config() {
  local file="$1"
  mkdir -p "$(dirname "$file")"
  cat > "$file" <<'JSON'
{
  "log_level": "info",
  "retention_days": 30,
  "slow_operation_seconds": 10,
  "success_rate_threshold": 95
}
JSON
  log_info "Recreated default configuration $file"
}
