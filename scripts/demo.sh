#!/usr/bin/env bash
# Ferry's main job on its embedded default: a demo fleet of CentOS 8 lab hosts built from real RPMs
# (rpmbuild, createrepo_c, dnf --installroot, a loopback sshd), assessed against four EL8 successors,
# recorded in SQLite (.cache/demo/ferry.db), two of them migrated and verified. See scripts/demo.ts.
# Extra arguments go to the demo: --hosts N, --targets a,b, --migrate N, --out DIR, --json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >&2
node scripts/build.mjs >&2
exec node --import tsx scripts/demo.ts "$@"
