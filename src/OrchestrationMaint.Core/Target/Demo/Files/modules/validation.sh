#!/usr/bin/env bash
# Input validation for distribution targets and bundles.

validate_target() {
  local target="$1"
  if [[ ! "$target" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
    log_error "Invalid target name: $target"
    return 1
  fi
}

validate_bundle() {
  local dir="$1"
  [ -d "$dir" ] || { log_error "Bundle directory not found: $dir"; return 1; }
}
