#!/usr/bin/env bash
# Everything a release does except publishing: build, check what would be published, then ask pnpm what it
# would upload. Version bumps and changelogs come first, from `pnpm changeset version` (see .changeset/README.md).
# Publishing for real is a separate, deliberate `pnpm publish -r` by a maintainer.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm build
pnpm typecheck
pnpm check:packages
pnpm -r publish --dry-run --no-git-checks --access public
