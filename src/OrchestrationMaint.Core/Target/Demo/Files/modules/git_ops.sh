#!/usr/bin/env bash
# Git operations against the distribution repository's origin.

git_sync() {
  local root="$1"
  if ! git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    log_error "Git operation failed: $root is not a git working copy"
    return 1
  fi
  if ! git -C "$root" ls-remote --exit-code origin >/dev/null 2>&1; then
    log_error "Git operation failed: remote unavailable"
    return 1
  fi
  git -C "$root" push --quiet origin HEAD 2>/dev/null || { log_error "Git operation failed: push rejected"; return 1; }
}
