#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, lints, builds, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json
npx eslint .
node scripts/build.mjs
node scripts/run-tests.mjs "$@"
