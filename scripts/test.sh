#!/usr/bin/env bash
# The quick-start "test" command: installs what is missing, then runs every
# check in order and ends with one summary line "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# The bootstrap stops at its first error; the checks below must all run.
set +e
cd "$ROOT"
export CI=true
REPORTS="$ROOT/test-results"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

passed=0
failed=0
failures=()

# A check that yields no per-test counts counts as one test.
run_check() {
  local name="$1"; shift
  log "── $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

# Adds the counts a runner wrote to a JSON report; a runner that crashed
# before writing its report counts as one failure.
run_counted() {
  local name="$1" report="$2"; shift 2
  log "── $name"
  "$@"
  local status=$?
  if [ -f "$report" ]; then
    local counts
    counts="$(node "$ROOT/scripts/report-counts.js" "$report")"
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
    [ "$status" = 0 ] || failures+=("$name")
    [ "$status" = 0 ] || [ "${counts#* }" != 0 ] || failed=$((failed + 1))
  else
    failed=$((failed + 1)); failures+=("$name (no report)")
  fi
}

ensure_apt_package /usr/bin/chromium chromium
# The persistence tests run on SQLite and on this PostgreSQL; it stops on exit.
source "$ROOT/scripts/test-postgres.sh"
start_test_postgres

run_check "type-check" $YARN tsc
run_check "lint" $YARN lint:all
run_check "prettier" $YARN prettier:check
# The plugins are published for other Backstage apps: they must build.
build_publishable_packages() {
  local dir
  for dir in plugins/*/ packages/demo-cluster/; do
    (cd "$dir" && $YARN backstage-cli package build) || return 1
  done
}
run_check "package build" build_publishable_packages
run_counted "unit and integration tests" "$REPORTS/jest.json" \
  $YARN backstage-cli repo test --json --outputFile="$REPORTS/jest.json"
run_counted "browser end-to-end tests" "$REPORTS/e2e.json" \
  env PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json" $YARN playwright test

if ((${#failures[@]})); then log "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
