/**
 * Repository locations (`--repo`, catalog baseurls, a plan's repos read back from a host): the one rule for
 * what may become a package manager's baseurl, and how it is written into a configuration file.
 *
 * A location is an absolute path (it becomes a file:// URL, percent-encoded) or an http, https, ftp or file
 * URL. Control characters and whitespace are refused, not escaped: written into an ini-style `.repo` file a
 * newline starts a new option or section (`gpgcheck=0`, a second repository), and dnf splits a baseurl list
 * at whitespace and commas. A path may contain spaces (they are encoded); a URL must be given encoded.
 * `$releasever`-style dnf variables are kept: they are how repository URLs name the release.
 */
import { pathToFileURL } from 'node:url';
import { FerryError, redact } from '../../core/index.js';

const PROTOCOLS = new Set(['http:', 'https:', 'ftp:', 'file:']);
// C0 and C1 controls, DEL, and every Unicode whitespace (NBSP, line and paragraph separators…).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\s]/u;
const UNSAFE_IN_PATH = /[\u0000-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/u;

function refuse(what: string, value: string, why: string): never {
  throw new FerryError('REPO_URL_INVALID', `${what} ${JSON.stringify(redact(value))}: ${why}`, {
    hint: 'Give an absolute directory (spaces allowed) or an http, https, ftp or file URL, percent-encoded.',
  });
}

/**
 * `value` (an absolute path or URL) → the baseurl to configure. `what` names the value in an error (the
 * argument as typed, e.g. `--repo rocky-8=…`, or a plan's repo id). Throws REPO_URL_INVALID.
 */
export function parseBaseurl(value: string, what: string): string {
  if (value.startsWith('/')) {
    if (UNSAFE_IN_PATH.test(value)) refuse(what, value, 'the path contains a control character or a non-space whitespace character');
    return pathToFileURL(value).href;
  }
  if (UNSAFE.test(value)) refuse(what, value, 'the URL contains a control character or whitespace (percent-encode a space as %20)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse(what, value, 'not an absolute path or a URL');
  }
  if (!PROTOCOLS.has(url.protocol)) refuse(what, value, `${url.protocol.replace(/:$/, '')} is not one of http, https, ftp, file`);
  if (url.protocol === 'file:' ? url.host !== '' && url.host !== 'localhost' : url.host === '') {
    refuse(what, value, url.protocol === 'file:' ? 'a file URL names no host (file:///srv/repo)' : 'the URL names no host');
  }
  return url.href;
}

/**
 * A baseurl as written into a configuration file: checked again (a plan read back from a host is data
 * like any other), with commas percent-encoded because dnf splits list options at them.
 */
export function configBaseurl(baseurl: string, what: string): string {
  return parseBaseurl(baseurl, what).replace(/,/g, '%2C');
}

/** A repository id as dnf accepts it in a section name: no brackets, controls, whitespace or `/`. */
export function checkRepoId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id)) {
    throw new FerryError('REPO_URL_INVALID', `Repository id ${JSON.stringify(id)} cannot name a repository section (letters, digits, . _ : - only)`);
  }
  return id;
}
