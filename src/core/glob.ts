/** fnmatch-style globs, the one rule for every name pattern a user writes (package names, host selectors, file names). */

/** True when `s` has a glob character (`*`, `?`, `[`). */
export function isGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** fnmatch-style glob (`*`, `?`, `[...]`, `[!...]`) as an anchored RegExp; case-sensitive unless `nocase` (FNM_CASEFOLD). */
export function globToRegExp(glob: string, o: { nocase?: boolean } = {}): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, o.nocase ? 'is' : 's');
}
