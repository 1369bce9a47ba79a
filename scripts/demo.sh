#!/usr/bin/env bash
# Ferry's main job on its embedded default. For now: read a real repository and print its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
npx tsc -p tsconfig.build.json
repo=../shared/data/repodata/cs9-baseos-20220207
node bin/ferry.js repo info "$repo"
