#!/usr/bin/env bash
# The one test command. Installs what the tests need and the machine lacks (Debian's chromium, git and shellcheck, when
# run as root), builds the solution once, runs every test project, and ends with one line:
#   Tests: N passed, N failed, N skipped
# Exits non-zero on any failure, on a build error, or when no test ran.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
configuration="${CONFIGURATION:-Release}"
results="$repo/tests/TestResults"
export OM_TEST_RESULTS="$results"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

install_debian_packages() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing: $*. Install them with: sudo apt-get install -y $* (or run tests/run.sh as root)." >&2
    echo "Tests: 0 passed, 0 failed, 0 skipped"
    exit 1
  fi
  echo "Installing $* with apt-get ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { echo "apt-get could not install $*" >&2; echo "Tests: 0 passed, 0 failed, 0 skipped"; exit 1; }
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v git >/dev/null 2>&1 || missing+=(git)
# The script-security task's tests run the real ShellCheck.
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
[ ${#missing[@]} -eq 0 ] || install_debian_packages "${missing[@]}"

rm -rf "$results"
mkdir -p "$results"

echo "Building ($configuration) ..."
if ! dotnet build OrchestrationMaint.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "Build failed."
  echo "Tests: 0 passed, 0 failed, 0 skipped"
  exit 1
fi

run_failed=0
for project in tests/*.Tests/*.csproj tests/*.E2E/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "Running $name ..."
  # A hung test is reported with a dump after 10 minutes instead of eating CI's whole budget.
  if ! dotnet test "$project" -c "$configuration" --no-build --nologo --blame-hang-timeout 10m \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results"; then
    run_failed=1
  fi
  [ -f "$results/$name.trx" ] || { echo "$name produced no results: it crashed or found no tests."; run_failed=1; }
done

count() { # sum one attribute of <Counters> over every TRX file
  local total=0 value
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    value="$(grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*")"
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

passed="$(count passed)"
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped="$(count notExecuted)"
echo "Screenshots: $results/screenshots"
echo "Tests: $passed passed, $failed failed, $skipped skipped"

if [ "$run_failed" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
