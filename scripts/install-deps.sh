#!/usr/bin/env bash
# Installs what Ferry and its tests need on Debian 12: the reference tools (rpm, createrepo_c, dnf,
# libsolv's testsolv/rpmmd2solv), decompressors, sshd for the lab's SSH hosts; then node modules.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have rpm || need+=(rpm)
have rpmbuild || need+=(rpm)
have createrepo_c || need+=(createrepo-c)
have dnf || need+=(dnf)
have testsolv || need+=(libsolv-tools)
have xz || need+=(xz-utils)
have zstd || need+=(zstd)
have bzip2 || need+=(bzip2)
have sshd || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
have ssh || need+=(openssh-client)
have ssh-keygen || need+=(openssh-client)
have cpio || need+=(cpio)
have curl || need+=(curl) # a client on the SSH lab host for the served-repository test (traversal through the tunnel)
have pgrep || need+=(procps)
have rpm2cpio || need+=(rpm2cpio)
have gpg || need+=(gnupg)
have mkfs.btrfs || need+=(btrfs-progs) # the Btrfs-on-loop lab host of the snapshot tests
have db5.3_load || need+=(db5.3-util) # a real Berkeley DB rpmdb (Packages) for the offline-inventory test
have make || need+=(make)   # better-sqlite3 compiles from source (node-gyp); no prebuilt download
have g++ || need+=(g++)
have ansible-inventory || need+=(ansible-core) # the reference for inventories (differential tests) and for the fleet bench
have pg_ctl || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql) # the fleet store's PostgreSQL tests start their own server
[ -x /usr/bin/chromium ] || need+=(chromium) # the dashboard's browser tests and first-paint bench (playwright-core drives Debian's Chromium; no browser is downloaded)
/usr/bin/python3 -c 'import rpm' 2>/dev/null || need+=(python3-rpm) # librpm bindings: matchesDep differential test
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # node-gyp uses the installed Node headers instead of downloading them when they are present.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  # playwright-core never downloads a browser; the variable makes sure no other playwright package does either.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
