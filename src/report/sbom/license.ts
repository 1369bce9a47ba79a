/**
 * The rpm License tag as an SPDX license expression. EL ≤ 9 packages carry Fedora's legacy short names
 * ("GPLv2+ and LGPLv2+", "ASL 2.0"); newer ones carry SPDX expressions already. A tag maps when every
 * license in it maps; otherwise it becomes one `LicenseRef-` carrying the tag's text, never a guess.
 *
 * The table holds only legacy names whose SPDX identifier is unambiguous: Fedora's legacy list
 * (https://fedoraproject.org/wiki/Licensing:Main?rd=Licensing, "Good Licenses", short names) against the
 * SPDX license list 3.x (https://spdx.org/licenses/). Names Fedora used for several licenses are left out on
 * purpose: "BSD" (2-, 3- and 4-clause variants), "LGPLv2"/"LGPLv2+" (v2.0 or v2.1), "GFDL", "Public Domain".
 * Pure.
 */

const LEGACY: Readonly<Record<string, string>> = {
  'GPLv1': 'GPL-1.0-only', 'GPL+': 'GPL-1.0-or-later',
  'GPLv2': 'GPL-2.0-only', 'GPLv2+': 'GPL-2.0-or-later',
  'GPLv3': 'GPL-3.0-only', 'GPLv3+': 'GPL-3.0-or-later',
  'LGPLv3': 'LGPL-3.0-only', 'LGPLv3+': 'LGPL-3.0-or-later',
  'AGPLv3': 'AGPL-3.0-only', 'AGPLv3+': 'AGPL-3.0-or-later',
  'ASL 1.1': 'Apache-1.1', 'ASL 2.0': 'Apache-2.0',
  'MPLv1.0': 'MPL-1.0', 'MPLv1.1': 'MPL-1.1', 'MPLv2.0': 'MPL-2.0',
  'Artistic 2.0': 'Artistic-2.0', 'Boost': 'BSL-1.0', 'zlib': 'Zlib', 'ISC': 'ISC', 'MIT': 'MIT',
  'OpenSSL': 'OpenSSL', 'PostgreSQL': 'PostgreSQL', 'Vim': 'Vim', 'EPL-1.0': 'EPL-1.0', 'EPL-2.0': 'EPL-2.0',
  'CC0': 'CC0-1.0', 'Unlicense': 'Unlicense', 'WTFPL': 'WTFPL', 'NCSA': 'NCSA', 'TCL': 'TCL', 'Ruby': 'Ruby',
  'OFL': 'OFL-1.1', 'IJG': 'IJG', 'libtiff': 'libtiff', 'Sleepycat': 'Sleepycat', 'BSL': 'BSL-1.0',
};

/**
 * SPDX identifiers a tag may already hold (EL 9 and Fedora ≥ 38 write SPDX expressions): the table's targets
 * plus the common ones with no unambiguous legacy name. Anything else is a LicenseRef.
 */
const SPDX_IDS: ReadonlySet<string> = new Set([
  ...Object.values(LEGACY),
  'BSD-2-Clause', 'BSD-3-Clause', 'BSD-4-Clause', 'LGPL-2.0-only', 'LGPL-2.0-or-later', 'LGPL-2.1-only', 'LGPL-2.1-or-later',
  'GFDL-1.3-or-later', 'GFDL-1.3-only', 'Python-2.0', 'PSF-2.0', 'X11', 'curl', 'BSD-Source-Code', 'Unicode-DFS-2016',
]);

export interface MappedLicense {
  /** A valid SPDX license expression (or `NOASSERTION` when the package has no License tag). */
  expression: string;
  /** Set when the tag did not map: the `LicenseRef-` id the expression is, and the tag it stands for. */
  ref?: { id: string; text: string };
}

/** `LicenseRef-` + the tag reduced to the characters an SPDX idstring allows. */
export function licenseRefId(text: string): string {
  return `LicenseRef-${text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown'}`;
}

/**
 * Splits a tag into licenses, operators (`and`/`or`, either case) and parentheses; `X with Y exception` and
 * other unknown forms stay one term (and do not map).
 */
function tokens(text: string): string[] {
  const out: string[] = [];
  let term: string[] = [];
  const flush = (): void => {
    if (term.length) out.push(term.join(' '));
    term = [];
  };
  for (const w of text.replace(/[()]/g, ' $& ').split(/\s+/).filter(Boolean)) {
    if (w === '(' || w === ')' || /^(and|or)$/i.test(w)) {
      flush();
      out.push(w);
    } else term.push(w);
  }
  flush();
  return out;
}

/** The tag as an SPDX expression: every term a legacy name of the table or an SPDX id of SPDX_IDS, else one LicenseRef. */
export function mapRpmLicense(tag: string | undefined): MappedLicense {
  const text = tag?.trim();
  if (!text) return { expression: 'NOASSERTION' };
  const out: string[] = [];
  for (const t of tokens(text)) {
    if (t === '(' || t === ')') out.push(t);
    else if (/^(and|or)$/i.test(t)) out.push(t.toUpperCase());
    else if (LEGACY[t]) out.push(LEGACY[t]);
    else if (SPDX_IDS.has(t)) out.push(t);
    else {
      const id = licenseRefId(text);
      return { expression: id, ref: { id, text } };
    }
  }
  return { expression: out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')') };
}

/** The legacy names the table maps (tests check each target against the official SPDX list). */
export const LEGACY_LICENSE_NAMES: readonly string[] = Object.keys(LEGACY);
export const KNOWN_SPDX_IDS: readonly string[] = [...SPDX_IDS];
