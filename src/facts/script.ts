/**
 * The one-round-trip facts script. A constant: no data is ever interpolated into it. It runs as
 * `sh -c FACTS_SCRIPT sh ROOT NONCE` and needs only sh, rpm and coreutils (CentOS 7 has no dnf, Python 2).
 * ROOT is '' for a live host or an image root prefix; NONCE is a random token the caller chose, so no
 * file content can forge a section marker. Output: `\n<NONCE> BEGIN <section>\n` body (with `\n<NONCE> FILE
 * <path>\n` before each file's content), `\n<NONCE> STDERR <section>\n` stderr, `\n<NONCE> END <section>
 * <exit>\n`. A failing section does not stop the others.
 */

/** Field (\x1f) and record (\x1e) separators: control bytes rpm header strings cannot hold in practice. */
export const RPM_FIELD_SEP = '\x1f';
export const RPM_RECORD_SEP = '\x1e';

/** The fields of RPM_QUERYFORMAT, in order. */
export const RPM_QUERY_FIELDS = [
  'name', 'epoch', 'version', 'release', 'arch', 'vendor', 'packager', 'sourcerpm', 'installtime', 'buildtime',
  'signature', 'license', 'size', 'summary',
] as const;

const SIG = '%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|';

/** rpm --queryformat with real separator bytes (for argv use; the script builds the same with printf). */
export const RPM_QUERYFORMAT = [
  '%{NAME}', '%{EPOCH}', '%{VERSION}', '%{RELEASE}', '%{ARCH}', '%{VENDOR}', '%{PACKAGER}', '%{SOURCERPM}',
  '%{INSTALLTIME}', '%{BUILDTIME}', SIG, '%{LICENSE}', '%{SIZE}', '%{SUMMARY}',
].join(RPM_FIELD_SEP) + RPM_RECORD_SEP;

export const FACTS_SECTIONS = [
  'system', 'os', 'release', 'rpmdb', 'packages', 'rpmverify', 'repos', 'modules', 'kernel', 'boot', 'security',
  'mounts', 'memory', 'gui', 'container', 'agents',
] as const;
export type FactsScriptSection = (typeof FACTS_SECTIONS)[number];

export const FACTS_SCRIPT = String.raw`
R=$1; N=$2
LC_ALL=C; LANG=C; TZ=UTC; export LC_ALL LANG TZ
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
FS=$(printf '\037'); RS=$(printf '\036')
T=$(mktemp 2>/dev/null || echo /tmp/ferry-facts.$$)
trap 'rm -f "$T"' EXIT
live() { [ -z "$R" ]; }
rp() {
  p=$1; n=0
  if [ -n "$R" ]; then
    while [ -L "$R$p" ] && [ $n -lt 16 ]; do
      t=$(readlink "$R$p") || break
      case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
      n=$((n+1))
    done
  fi
  printf '%s' "$R$p"
}
cf() { f=$(rp "$1"); if [ -f "$f" ] && [ -r "$f" ]; then printf '\n%s FILE %s\n' "$N" "$1"; cat "$f"; else return 1; fi; }
glob() { for f in "$R$1"/*"$2"; do [ -f "$f" ] || continue; printf '\n%s FILE %s\n' "$N" "$1/$(basename "$f")"; cat "$f"; done; }
na() { echo "not-applicable: $1"; }
s_system() {
  if live; then echo "hostname=$(uname -n)"; echo "kernel=$(uname -r)"; echo "machine=$(uname -m)"; fi
  echo "rpm=$(rpm --version 2>/dev/null)"
  f=$(rp /etc/machine-id); if [ -f "$f" ] && [ -r "$f" ]; then echo "machineid=$(head -c 64 "$f")"; fi
}
s_os() { cf /etc/os-release || cf /usr/lib/os-release; }
s_release() { cf /etc/redhat-release; cf /etc/system-release; cf /etc/centos-release; true; }
D=
dbpath() {
  for d in /var/lib/rpm /usr/lib/sysimage/rpm; do
    for f in Packages rpmdb.sqlite Packages.db; do
      if [ -f "$R$d/$f" ]; then D=$d; echo "dbpath=$d"; echo "file=$f"; return 0; fi
    done
  done
  return 1
}
rpmq() {
  if [ -n "$R" ]; then rpm --root "$R" --dbpath "$D" "$@"; elif [ -n "$D" ]; then rpm --dbpath "$D" "$@"; else rpm "$@"; fi
}
s_rpmdb() { dbpath; }
QF="%{NAME}$FS%{EPOCH}$FS%{VERSION}$FS%{RELEASE}$FS%{ARCH}$FS%{VENDOR}$FS%{PACKAGER}$FS%{SOURCERPM}$FS%{INSTALLTIME}$FS%{BUILDTIME}$FS%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|$FS%{LICENSE}$FS%{SIZE}$FS%{SUMMARY}$RS"
s_packages() {
  rpmq -qa --qf "$QF" && return 0
  echo "retry=bdb_ro" >&2
  rpmq --define '_db_backend bdb_ro' -qa --qf "$QF"
}
s_rpmverify() { rpmq --verifydb; }
s_repos() { glob /etc/yum.repos.d .repo; }
s_modules() { glob /etc/dnf/modules.d .module; }
s_kernel() {
  live || { na "offline root"; return 0; }
  cf /proc/modules; cf /proc/sys/kernel/tainted; true
}
s_boot() {
  live || { na "offline root"; return 0; }
  if [ -d /sys/firmware/efi ]; then echo "mode=uefi"; else echo "mode=bios"; fi
  if command -v mokutil >/dev/null 2>&1; then echo "mokutil=$(mokutil --sb-state 2>&1 | head -n 1)"; fi
  for f in /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c2a2d8cb5; do
    [ -r "$f" ] && echo "efivar=$(od -An -tu1 "$f" | tr -s ' \n' '  ')"
  done
  true
}
s_security() {
  if live && [ -r /proc/sys/crypto/fips_enabled ]; then echo "fips=$(cat /proc/sys/crypto/fips_enabled)"; fi
  [ -e "$R/etc/system-fips" ] && echo "system-fips=yes"
  if live && [ -r /sys/fs/selinux/enforce ]; then echo "enforce=$(cat /sys/fs/selinux/enforce)"; fi
  f=$(rp /etc/selinux/config); [ -r "$f" ] && grep '^SELINUX=' "$f"
  true
}
s_mounts() {
  for p in / /var /boot /usr; do
    [ -e "$R$p" ] || continue
    printf '%s\t' "$p"; df -P -k "$R$p" | sed -n '2p'
  done
}
s_memory() { live || { na "offline root"; return 0; }; cf /proc/meminfo; }
s_gui() {
  echo "default-link=$(readlink "$R/etc/systemd/system/default.target" 2>/dev/null)"
  if live && command -v systemctl >/dev/null 2>&1; then echo "get-default=$(systemctl get-default 2>/dev/null)"; fi
  echo "display-manager=$(readlink "$R/etc/systemd/system/display-manager.service" 2>/dev/null)"
  f=$(rp /etc/inittab); [ -r "$f" ] && grep '^id:[0-9]:initdefault' "$f"
  true
}
s_container() {
  live || { na "offline root"; return 0; }
  [ -e /.dockerenv ] && echo "dockerenv=yes"
  [ -e /run/.containerenv ] && echo "containerenv=yes"
  if command -v systemd-detect-virt >/dev/null 2>&1; then echo "detect-virt=$(systemd-detect-virt -c 2>/dev/null)"; fi
  cf /proc/1/cgroup
  true
}
s_agents() {
  for f in /etc/rhsm/rhsm.conf /etc/pki/consumer/cert.pem /etc/rhsm/ca/katello-server-ca.pem /etc/yum.repos.d/redhat.repo /etc/sysconfig/rhn/systemid /etc/sysconfig/rhn/up2date /etc/salt/minion /etc/salt/minion.d/susemanager.conf /etc/venv-salt-minion/minion.d/susemanager.conf /etc/venv-salt-minion/minion; do
    [ -e "$R$f" ] && echo "$f"
  done
  true
}
dbpath >/dev/null 2>&1
for s in system os release rpmdb packages rpmverify repos modules kernel boot security mounts memory gui container agents; do
  printf '\n%s BEGIN %s\n' "$N" "$s"
  ( "s_$s" ) 2>"$T"
  c=$?
  printf '\n%s STDERR %s\n' "$N" "$s"
  head -c 65536 "$T"
  printf '\n%s END %s %s\n' "$N" "$s" "$c"
done
`;
