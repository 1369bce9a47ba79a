/**
 * Ferry's two kinds of errors (see ../shared/STYLE.md §4):
 * - FerryError: a failure a user can reach (bad input, unreachable host, corrupt metadata). It carries a
 *   stable UPPER_SNAKE code from ERROR_CODES, a message naming the thing at fault and an optional hint.
 * - assert(): an impossible state; throws a plain Error('Assertion failed: …').
 */

/** The registry of stable error codes. A code, once published, is never renamed or reused. */
export const ERROR_CODES = {
  USAGE: 'The command line was not understood',
  INTERNAL: 'An unexpected internal error',
  NOT_FOUND: 'A file, host, package or record does not exist',
  IO: 'Reading or writing a file failed',
  // rpm core
  EVR_INVALID: 'A version string is not a valid EVR',
  NEVRA_INVALID: 'A string is not a valid NEVRA',
  DEP_PARSE: 'A dependency expression is malformed',
  REPO_FETCH: 'A repository file could not be fetched',
  REPO_TOO_LARGE: 'A repository file exceeds the size cap',
  REPO_TIMEOUT: 'Fetching a repository file timed out',
  REPO_CHECKSUM: 'A repository file does not match the checksum in repomd.xml',
  REPO_METADATA: 'Repository metadata is malformed',
  REPO_HOSTILE_XML: 'Repository XML uses a forbidden construct (DTD, entity)',
  REPO_DECOMPRESS: 'A repository file could not be decompressed',
  REPO_DECOMPRESSION_BOMB: 'A repository file expands beyond the allowed ratio or size',
  REPO_TRUNCATED: 'A repository file ends before its document does',
  REPO_URL_INVALID: 'A repository location is not an absolute path or an http, https, ftp or file URL without control characters or whitespace',
  // catalog
  CATALOG_INVALID: 'A catalog data file does not validate',
  CATALOG_UNKNOWN_RELEASE: 'No such release in the catalog',
  PES_INVALID: 'A package-evolution events file does not validate',
  // h4: PES events given for targets none of which is a cross-major upgrade of the host
  PES_UNUSED: 'Package-evolution events were given but no target is a cross-major upgrade',
  PES_REQUIRED: 'A cross-major plan needs the target vendor\'s package-evolution events (--pes)',
  REPOMAP_REQUIRED: 'A cross-major path the catalog has no Leapp repomap for needs the repomap.json beside the PES events',
  PES_CHANGED: 'A package-evolution events file is not the one recorded (by a rollout, or by a route when it was planned)',
  // transport / facts
  TRANSPORT_CONNECT: 'Could not connect to a host',
  TRANSPORT_AUTH: 'Authentication to a host failed',
  TRANSPORT_HOSTKEY: 'A host key did not match known_hosts',
  TRANSPORT_TIMEOUT: 'A command on a host timed out',
  TRANSPORT_DISCONNECTED: 'The connection to a host dropped',
  TRANSPORT_COMMAND: 'A command on a host failed',
  HOST_INVALID: 'A host specification is malformed',
  FACTS_PARSE: 'Output from a host could not be parsed',
  RPMDB_UNREADABLE: 'An rpm database could not be read',
  MANIFEST_INVALID: 'A package list is not in a format Ferry reads',
  // assess / plan / exec
  TARGET_UNKNOWN: 'The requested target is not in the catalog',
  PATH_UNSUPPORTED: 'No supported migration path from the source to the target',
  PLAN_INHIBITED: 'Inhibitors stand against this plan',
  STEP_FAILED: 'A migration step failed',
  TRANSACTION_PREDICT: 'The package manager could not resolve the migration\'s transaction',
  TRANSACTION_UNAPPROVED: 'The predicted package transaction removes packages nobody announced or approved',
  DNF_MISSING: 'The machine that must run dnf for a host has none',
  JOURNAL_CORRUPT: 'A migration journal could not be read',
  DOCUMENT_INVALID: 'A document read back (a plan, a verify report, recorded evidence) does not validate',
  JOURNAL_LOCKED: 'Another Ferry run holds the journal lock',
  ROLLBACK_PAST_PONR: 'The migration is past its point of no return',
  ROLLBACK_INCOMPLETE: 'Some restores failed during rollback',
  HOST_CHANGED: 'The host changed since the migration journal recorded it',
  // store
  STORE_UNAVAILABLE: 'The Ferry store could not be opened, locked or reached',
  STORE_CORRUPT: 'Ferry\'s store is damaged or not a Ferry store',
  // fleet
  INVENTORY_INVALID: 'An inventory file is malformed or names a host Ferry refuses',
  SELECTOR_INVALID: 'A host selector is malformed',
  SELECTOR_UNKNOWN: 'A host selector names a group, label, host, release or target no host has',
  // api (ferry serve)
  API_UNAUTHORIZED: 'The request carries no valid API token or dashboard session',
  API_FORBIDDEN: 'The token\'s role may not do this, or a session\'s mutation lacks its CSRF token',
  API_BODY_TOO_LARGE: 'The request body exceeds the API\'s size limit',
  API_BODY_INVALID: 'The request body is not JSON or does not match the OpenAPI document',
  API_PATH_INVALID: 'A requested path leaves the directory it must stay in',
  // lab
  LAB_TOOL_MISSING: 'A tool the lab needs is not installed',
  LAB_BUILD: 'Building a lab distribution or host failed',
  // h1: controller-side repositories served to SSH hosts
  TRANSPORT_FORWARD_REFUSED: 'The host\'s sshd refused a remote port forward',
  // h8 (prove: sbom, cve, compare, proof)
  SBOM_NO_PACKAGES: 'The facts hold no installed packages to describe',
  FEED_UNREADABLE: 'A security feed (OSV database, updateinfo) could not be read',
  // snapshots and the health gate (h4)
  SNAPSHOT_UNSUPPORTED: 'The host offers no snapshot the chosen provider can take',
  SNAPSHOT_NO_SPACE: 'Too little free space to keep a snapshot through the migration',
  SNAPSHOT_FAILED: 'Taking, restoring or removing a snapshot failed',
  SNAPSHOT_REBOOT_REQUIRED: 'The host boots into its snapshot at the next reboot; rollback completes after it',
  HEALTH_GATE_FAILED: 'A check of the health gate after the migration failed',
  // fleet: inventory (h3)
  HOST_IN_ROLLOUT: 'A host cannot be deleted while a rollout or job is under way for it',
  // h5: reboot as a step boundary (exec/reboot.ts)
  REBOOT_TIMEOUT: 'The host did not come back from its reboot in time',
  REBOOT_FAILED: 'The reboot command failed on the host',
  REBOOT_IDENTITY: 'The host\'s boot id or machine id could not be read',
  REBOOT_HOST_CHANGED: 'Another host (machine id or host key) answered after the reboot',
  // solver (h2)
  TESTCASE_INVALID: 'A libsolv testcase file is malformed',
  SOLVER_LIMIT: 'The depsolver gave up: its bound on conflicts, or on the clauses of one rich dependency, was reached',
  SOLVER_UNSUPPORTED: 'A solver job uses a libsolv feature the depsolver does not model',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * How each code reaches a user: the CLI's exit status and the HTTP API's response status, one table for every
 * front end (a `Record` over the codes, so a new code cannot be added without its statuses). Exit 2 is a
 * command line not understood, 70 (EX_SOFTWARE) a bug, 1 every other failure; HTTP 4xx is the request or
 * the data it names, 5xx Ferry or a host/mirror it depends on.
 */
export const ERROR_STATUS: Record<ErrorCode, { exit: number; http: number }> = {
  USAGE: { exit: 2, http: 400 },
  INTERNAL: { exit: 70, http: 500 },
  NOT_FOUND: { exit: 1, http: 404 },
  IO: { exit: 1, http: 500 },
  EVR_INVALID: { exit: 1, http: 400 },
  NEVRA_INVALID: { exit: 1, http: 400 },
  DEP_PARSE: { exit: 1, http: 422 },
  REPO_FETCH: { exit: 1, http: 502 },
  REPO_TOO_LARGE: { exit: 1, http: 502 },
  REPO_TIMEOUT: { exit: 1, http: 504 },
  REPO_CHECKSUM: { exit: 1, http: 502 },
  REPO_METADATA: { exit: 1, http: 502 },
  REPO_HOSTILE_XML: { exit: 1, http: 502 },
  REPO_DECOMPRESS: { exit: 1, http: 502 },
  REPO_DECOMPRESSION_BOMB: { exit: 1, http: 502 },
  REPO_TRUNCATED: { exit: 1, http: 502 },
  REPO_URL_INVALID: { exit: 1, http: 400 },
  CATALOG_INVALID: { exit: 1, http: 500 },
  CATALOG_UNKNOWN_RELEASE: { exit: 1, http: 422 },
  PES_INVALID: { exit: 1, http: 422 },
  PES_UNUSED: { exit: 2, http: 422 },
  PES_REQUIRED: { exit: 2, http: 422 },
  REPOMAP_REQUIRED: { exit: 2, http: 422 },
  PES_CHANGED: { exit: 1, http: 409 },
  TRANSPORT_CONNECT: { exit: 1, http: 502 },
  TRANSPORT_AUTH: { exit: 1, http: 502 },
  TRANSPORT_HOSTKEY: { exit: 1, http: 502 },
  TRANSPORT_TIMEOUT: { exit: 1, http: 504 },
  TRANSPORT_DISCONNECTED: { exit: 1, http: 502 },
  TRANSPORT_COMMAND: { exit: 1, http: 502 },
  HOST_INVALID: { exit: 1, http: 400 },
  FACTS_PARSE: { exit: 1, http: 422 },
  RPMDB_UNREADABLE: { exit: 1, http: 422 },
  MANIFEST_INVALID: { exit: 1, http: 422 },
  TARGET_UNKNOWN: { exit: 1, http: 404 },
  PATH_UNSUPPORTED: { exit: 1, http: 422 },
  PLAN_INHIBITED: { exit: 1, http: 409 },
  STEP_FAILED: { exit: 1, http: 500 },
  TRANSACTION_PREDICT: { exit: 1, http: 422 },
  TRANSACTION_UNAPPROVED: { exit: 1, http: 409 },
  DNF_MISSING: { exit: 1, http: 422 },
  JOURNAL_CORRUPT: { exit: 1, http: 409 },
  DOCUMENT_INVALID: { exit: 1, http: 422 },
  JOURNAL_LOCKED: { exit: 1, http: 409 },
  ROLLBACK_PAST_PONR: { exit: 1, http: 409 },
  ROLLBACK_INCOMPLETE: { exit: 1, http: 500 },
  HOST_CHANGED: { exit: 1, http: 409 },
  STORE_UNAVAILABLE: { exit: 1, http: 503 },
  STORE_CORRUPT: { exit: 1, http: 500 },
  INVENTORY_INVALID: { exit: 1, http: 422 },
  SELECTOR_INVALID: { exit: 2, http: 400 },
  SELECTOR_UNKNOWN: { exit: 1, http: 404 },
  API_UNAUTHORIZED: { exit: 1, http: 401 },
  API_FORBIDDEN: { exit: 1, http: 403 },
  API_BODY_TOO_LARGE: { exit: 1, http: 413 },
  API_BODY_INVALID: { exit: 1, http: 400 },
  API_PATH_INVALID: { exit: 1, http: 400 },
  LAB_TOOL_MISSING: { exit: 1, http: 500 },
  LAB_BUILD: { exit: 1, http: 500 },
  TRANSPORT_FORWARD_REFUSED: { exit: 1, http: 502 },
  // h8 (prove: sbom, cve, compare, proof)
  SBOM_NO_PACKAGES: { exit: 1, http: 422 },
  FEED_UNREADABLE: { exit: 1, http: 422 },
  SNAPSHOT_UNSUPPORTED: { exit: 1, http: 422 },
  SNAPSHOT_NO_SPACE: { exit: 1, http: 507 },
  SNAPSHOT_FAILED: { exit: 1, http: 500 },
  SNAPSHOT_REBOOT_REQUIRED: { exit: 1, http: 409 },
  HEALTH_GATE_FAILED: { exit: 1, http: 500 },
  HOST_IN_ROLLOUT: { exit: 1, http: 409 },
  REBOOT_TIMEOUT: { exit: 1, http: 504 },
  REBOOT_FAILED: { exit: 1, http: 502 },
  REBOOT_IDENTITY: { exit: 1, http: 502 },
  REBOOT_HOST_CHANGED: { exit: 1, http: 409 },
  TESTCASE_INVALID: { exit: 1, http: 422 },
  SOLVER_LIMIT: { exit: 1, http: 422 },
  SOLVER_UNSUPPORTED: { exit: 1, http: 422 },
};

/** The exit status and HTTP status of an error: its code's, or INTERNAL's for anything not a FerryError. */
export function errorStatus(err: unknown): { exit: number; http: number } {
  return err instanceof FerryError ? ERROR_STATUS[err.code] : ERROR_STATUS.INTERNAL;
}

export interface FerryErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured details for --json output; must not contain secrets. */
  details?: Record<string, unknown>;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isFerryError(err: unknown, code?: ErrorCode): err is FerryError {
  return err instanceof FerryError && (code === undefined || err.code === code);
}

/** Throws for a state the program's own logic should make impossible. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/**
 * Password hashes in crypt(5)'s prefixed formats (libxcrypt's crypt(5), Debian 12 libcrypt-dev: yescrypt
 * $y$, gost-yescrypt $gy$, scrypt $7$, bcrypt $2[abxy]$, sha512crypt $6$, sha256crypt $5$, $sha1, SunMD5 $md5,
 * md5crypt $1$, NT $3$), as in /etc/shadow: a hash is a secret (it can be cracked offline). A hash is written
 * in crypt(5)'s alphabet `./0-9A-Za-z` with `$` between its fields and `rounds=N,` parameters, so the match
 * ends where that alphabet does (a quote, a colon, `<` or `&` of the markup around it).
 */
const CRYPT_HASH = /\$(?:y|gy|7|2[abxy]|6|5|sha1|md5(?:,rounds=\d+)?|1|3)\$[./0-9A-Za-z$,=]*/g;

/** A private key in PEM or OpenSSH armour; one cut before its END line (a truncated excerpt) is redacted to the end. */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|[\s\S]*$)/g;

/** Whether `redact` could change the text: most text (package names, paths) has none of these, and is returned as is. */
const MAYBE_SECRET = /PRIVATE KEY|\$|passw|token|secret|@/i;

/** Removes secrets (passwords, private keys, tokens, password hashes) from text headed for a message, a log or a report. */
export function redact(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(PRIVATE_KEY, '[REDACTED KEY]')
    .replace(CRYPT_HASH, '[REDACTED HASH]')
    .replace(/((?:password|passwd|token|secret)\s*[=:]\s*)\S+/gi, '$1[REDACTED]')
    .replace(/\/\/[^/:@\s]+:[^@/\s]*@/g, '//***@');
}

/**
 * The one way file or host content is quoted in a message: redacted, then cut to `max` characters, then
 * JSON-escaped (control bytes and escape sequences as \uNNNN, quotes escaped), so no more than a short,
 * printable excerpt of a file — a manifest, a journal line, a value read from a host — ever reaches the user.
 */
export function excerpt(value: unknown, max = 80): string {
  const text = redact(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** `redact` applied to every string of a JSON value (an error's `--json` form: message, hint and details alike). */
export function redactJson<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactJson(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v)])) as T;
  return value;
}
