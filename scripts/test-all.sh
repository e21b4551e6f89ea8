#!/usr/bin/env bash
# Runs every test against real servers, starting what is missing, and requires every backend:
# a backend that cannot be reached fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/services.sh up)"
trap 'bash scripts/services.sh down' EXIT
export CHAT_HISTORY_REQUIRE="${CHAT_HISTORY_REQUIRE:-postgres,redis,redis-cluster,mongodb}"
report=".tmp/vitest-report.json"
mkdir -p .tmp
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/test-summary.mjs "$report" || status=1
exit "$status"
