#!/usr/bin/env bash
# Release readiness, in order: build every public package, check the packed tarballs (publint, attw), install
# them into fresh projects and run them (smoke), lint, typecheck. Any failing step fails the script.
# The smoke step needs PostgreSQL and Redis: without CHAT_HISTORY_TEST_POSTGRES_URL / _REDIS_URL set, the servers
# are started (scripts/services.sh, which also installs the MongoDB emulator's packages) and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"

started=$SECONDS
step() {
  local name=$1 t0=$SECONDS
  shift
  echo "── $name"
  if ! "$@"; then
    echo "ci-checks: $name FAILED after $((SECONDS - t0)) s" >&2
    exit 1
  fi
  echo "── $name: ok in $((SECONDS - t0)) s"
}

if [ -z "${CHAT_HISTORY_TEST_POSTGRES_URL:-}" ] || [ -z "${CHAT_HISTORY_TEST_REDIS_URL:-}" ]; then
  eval "$(bash scripts/services.sh up)"
  trap 'bash scripts/services.sh down' EXIT
fi

step build pnpm build
step check:packages pnpm check:packages
step smoke pnpm smoke
step lint pnpm lint
step typecheck pnpm typecheck
echo "ci-checks: all steps passed in $((SECONDS - started)) s"
