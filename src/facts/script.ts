/**
 * The one-round-trip facts script. A constant: no data is ever interpolated into it. It runs as
 * `sh -c FACTS_SCRIPT sh ROOT NONCE` and needs only sh, rpm and coreutils (CentOS 7 has no dnf, Python 2).
 * ROOT is '' for a live host or an image root prefix; NONCE is a random token the caller chose, so no
 * file content can forge a section marker. Output: `\n<NONCE> BEGIN <section>\n` body (with `\n<NONCE> FILE
 * <path>\n` before each file's content), `\n<NONCE> STDERR <section>\n` stderr, `\n<NONCE> END <section>
 * <exit>\n`; for a ROOT that does not exist, `\n<NONCE> NO-ROOT\n` alone (exit 3). A failing section does not
 * stop the others. Each section's part (its `s_<part>` function) is declared by its module in sections/ and
 * assembled here in registry order, after the shared helpers.
 */

import { FACTS_SECTION_REGISTRY, type FactsSection } from './sections/index.js';

export { RPM_FIELD_SEP, RPM_QUERYFORMAT, RPM_QUERY_FIELDS, RPM_RECORD_SEP } from './rpm-queryformat.js';

/** The sections the default facts script runs: every registered one but the on-demand ones. */
export const DEFAULT_SECTIONS: readonly FactsSection[] = FACTS_SECTION_REGISTRY.filter((s) => !s.onDemand);

/** The script parts in the order they run (a section may run several, e.g. rpmdb and rpmverify). */
export const FACTS_SCRIPT_PARTS: readonly string[] = DEFAULT_SECTIONS.flatMap((s) => s.parts);

// Shell parameter expansions (no fork, unlike dirname/basename), kept out of the template literal below,
// where `${` would interpolate.
const PARENT_OF_P = '${_p%/*}';
const BASENAME_OF_F = '${f##*/}';

/**
 * The helpers every part may use: live (no root prefix), rp (sets P to a path under the root, its symlinks
 * resolved inside it), cf (print a file with its FILE marker), glob (every file of a directory with a suffix), na
 * (not applicable), dbpath (find the rpm database, sets D), rpmx (an rpm tool on that database) and rpmq (rpm on it).
 */
const HELPERS = String.raw`
R=$1; N=$2
LC_ALL=C; LANG=C; TZ=UTC; export LC_ALL LANG TZ
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
FS=$(printf '\037'); RS=$(printf '\036')
T=$(mktemp 2>/dev/null || echo /tmp/ferry-facts.$$)
trap 'rm -f "$T" "$T.rel" "$T.e"' EXIT
live() { [ -z "$R" ]; }
rp() {
  _p=$1; _n=0
  if [ -n "$R" ]; then
    while [ -L "$R$_p" ] && [ $_n -lt 16 ]; do
      _t=$(readlink "$R$_p") || break
      case $_t in /*) _p=$_t ;; *) _p=${PARENT_OF_P}/$_t ;; esac
      _n=$((_n+1))
    done
  fi
  P=$R$_p
}
cf() { rp "$1"; f=$P; if [ -f "$f" ] && [ -r "$f" ]; then printf '\n%s FILE %s\n' "$N" "$1"; cat "$f"; else return 1; fi; }
glob() { for f in "$R$1"/*"$2"; do [ -f "$f" ] || continue; printf '\n%s FILE %s\n' "$N" "$1/${BASENAME_OF_F}"; cat "$f"; done; }
na() { echo "not-applicable: $1"; }
D=
dbpath() {
  for d in /var/lib/rpm /usr/lib/sysimage/rpm; do
    for f in Packages rpmdb.sqlite Packages.db; do
      if [ -f "$R$d/$f" ]; then D=$d; echo "dbpath=$d"; echo "file=$f"; return 0; fi
    done
  done
  return 1
}
rpmx() {
  _b=$1; shift
  if [ -n "$R" ]; then "$_b" --root "$R" --dbpath "$D" "$@"; elif [ -n "$D" ]; then "$_b" --dbpath "$D" "$@"; else "$_b" "$@"; fi
}
rpmq() { rpmx rpm "$@"; }`;

/** `sections` with the sections they use (section.ts `uses`) before them, each once, otherwise in their order. */
function withUsed(sections: readonly FactsSection[]): FactsSection[] {
  const out: FactsSection[] = [];
  const add = (s: FactsSection): void => {
    if (out.includes(s)) return;
    s.uses.forEach(add);
    out.push(s);
  };
  sections.forEach(add);
  return out;
}

/**
 * The facts script running `sections` and the sections they use (registry order; their text is constant, so
 * is the script).
 */
export function factsScriptFor(sections: readonly FactsSection[]): string {
  const run = withUsed(sections);
  const parts = run.flatMap((s) => s.parts);
  return `${HELPERS}
${run.map((s) => s.script).join('\n')}
if [ -n "$R" ] && [ ! -e "$R" ]; then printf '\n%s NO-ROOT\n' "$N"; exit 3; fi
dbpath >/dev/null 2>&1
for s in ${parts.join(' ')}; do
  printf '\\n%s BEGIN %s\\n' "$N" "$s"
  "s_$s" 2>"$T"
  c=$?
  printf '\\n%s STDERR %s\\n' "$N" "$s"
  [ -s "$T" ] && head -c 65536 "$T"
  printf '\\n%s END %s %s\\n' "$N" "$s" "$c"
done
`;
}

export const FACTS_SCRIPT = factsScriptFor(DEFAULT_SECTIONS);
