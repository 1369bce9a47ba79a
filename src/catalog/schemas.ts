/** JSON Schemas (draft-07, checked by ajv) for every file in ./data. A fact's null-source rule is enforced here. */

const fact = (value: object) => ({
  type: 'object',
  required: ['value', 'source'],
  additionalProperties: false,
  properties: {
    value: { anyOf: [value, { type: 'null' }] }, source: { type: ['string', 'null'], minLength: 1 }, note: { type: 'string', minLength: 1 },
    // What other sources say, each with its source, and the rule that picked `value` over them.
    alternatives: { type: 'array', minItems: 1, items: { type: 'object', required: ['value', 'source'], additionalProperties: false,
      properties: { value, source: { type: 'string', minLength: 1 }, note: { type: 'string', minLength: 1 } } } },
    rule: { type: 'string', minLength: 1 },
  },
  dependencies: { alternatives: ['rule'], rule: ['alternatives'] },
  // No source → no value, and a note saying why.
  if: { properties: { source: { type: 'null' } } },
  then: { required: ['note'], properties: { value: { type: 'null' } } },
});
const str = { type: 'string', minLength: 1 };
/** A day, or a month when the source gives only that (support until the end of that month). */
const date = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?$' };
const strs = { type: 'array', items: str };
const releaseId = { type: 'string', pattern: '^[a-z][a-z0-9-]*-[0-9a-z.]+(-sp[0-9]+)?$' };

export const SOURCES_SCHEMA = {
  type: 'object', required: ['formatVersion', 'sources'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    sources: { type: 'array', items: {
      type: 'object', required: ['id', 'kind', 'title'], additionalProperties: false,
      properties: { id: str, kind: { enum: ['url', 'shared', 'code', 'ref'] }, title: str, url: { type: 'string', pattern: '^https?://' }, path: str, repo: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$' }, commit: { type: 'string', pattern: '^[0-9a-f]{7,40}$' },
        ref: { type: 'string', pattern: '^ref-[0-9]+$' }, authority: { enum: ['vendor', 'packaging', 'observed', 'fixture'] }, research: str, supersedes: strs },
      allOf: [
        { if: { properties: { kind: { const: 'url' } } }, then: { required: ['url'] } },
        { if: { properties: { kind: { enum: ['shared', 'code'] } } }, then: { required: ['path', 'repo', 'commit'] } },
        { if: { properties: { kind: { const: 'ref' } } }, then: { required: ['ref', 'research'] } },
      ] } },
  },
} as const;

export const RELEASES_SCHEMA = {
  type: 'object', required: ['formatVersion', 'tiers', 'distributions', 'releases'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    tiers: { type: 'array', items: { type: 'object', required: ['id', 'name', 'definition'], additionalProperties: false,
      properties: { id: { enum: ['L1', 'L2', 'L3', 'L4'] }, name: str, definition: str } } },
    distributions: { type: 'array', items: {
      type: 'object', required: ['id', 'name', 'tier', 'upstream', 'supportModel', 'vulnerabilityDisclosure'], additionalProperties: false,
      properties: { id: str, name: str, tier: fact({ enum: ['L1', 'L2', 'L3', 'L4'] }), upstream: fact(strs), supportModel: fact(str),
        vulnerabilityDisclosure: fact(str), status: { const: 'discontinued' } } } },
    releases: { type: 'array', items: {
      type: 'object', additionalProperties: false,
      required: ['id', 'distribution', 'version', 'major', 'ga', 'eolFull', 'eol', 'eolExtended', 'kernel', 'compatibleWith', 'modulePlatformId', 'arches'],
      properties: { id: releaseId, distribution: str, version: str, major: { type: ['integer', 'null'] }, ga: fact(date), eolFull: fact(date), eol: fact(date),
        eolExtended: fact(date), kernel: fact(str), compatibleWith: fact({ type: 'array', items: releaseId }), modulePlatformId: fact({ type: 'string', pattern: '^platform:' }),
        arches: fact({ type: 'array', items: { enum: ['x86_64', 'aarch64', 'ppc64le', 's390x', 'i686', 'loongarch64', 'riscv64'] } }), status: { const: 'discontinued' },
        minors: fact({ type: 'array', items: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' } }) } } },
  },
} as const;

const repo = {
  type: 'object', required: ['id', 'name', 'enabled'], additionalProperties: false,
  properties: { id: str, name: { type: ['string', 'null'] }, baseurl: str, mirrorlist: str, metalink: str, gpgkey: strs, enabled: { type: 'boolean' } },
  anyOf: [{ required: ['baseurl'] }, { required: ['mirrorlist'] }, { required: ['metalink'] }],
};
export const REPOS_SCHEMA = {
  type: 'object', required: ['formatVersion', 'releases', 'repomaps'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    releases: { type: 'array', items: { type: 'object', required: ['release', 'source', 'repos'], additionalProperties: false,
      properties: { release: releaseId, source: str, repos: { type: 'array', items: repo } } } },
    repomaps: { type: 'array', items: { type: 'object', required: ['from', 'to', 'file', 'source'], additionalProperties: false,
      properties: { from: releaseId, to: releaseId, file: str, source: str } } },
  },
} as const;

export const GPG_SCHEMA = {
  type: 'object', required: ['formatVersion', 'source', 'keyFiles', 'releases'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 }, source: str,
    keyFiles: { type: 'array', items: { type: 'object', required: ['file', 'sharedPath', 'keys'], additionalProperties: false,
      properties: { file: str, sharedPath: str, keys: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false,
        required: ['fingerprint', 'keyid', 'uid', 'created', 'expires', 'rpmName'],
        properties: { fingerprint: { type: 'string', pattern: '^[0-9A-F]{40}$' }, keyid: { type: 'string', pattern: '^[0-9A-F]{16}$' }, uid: { type: 'string' },
          created: str, expires: str, rpmName: { type: 'string', pattern: '^gpg-pubkey-[0-9a-f]{8}$' } } } } } } },
    releases: { type: 'array', items: { type: 'object', required: ['release', 'files', 'unresolved', 'source'], additionalProperties: false,
      properties: { release: releaseId, files: strs, unresolved: strs, source: str } } },
  },
} as const;

const role = { enum: ['release', 'release-eula', 'repos', 'gpg-keys', 'logos', 'logos-httpd', 'logos-ipa', 'backgrounds', 'indexhtml', 'epel-release'] };
export const VENDOR_SCHEMA = {
  type: 'object', required: ['formatVersion', 'releases', 'alsoRemove', 'crossMaps'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    releases: { type: 'array', items: { type: 'object', required: ['release', 'packages'], additionalProperties: false,
      properties: { release: releaseId, packages: { type: 'array', items: { type: 'object', required: ['role', 'name', 'source'], additionalProperties: false,
        properties: { role, name: str, source: str, note: str } } } } } },
    alsoRemove: { type: 'array', items: { type: 'object', required: ['names', 'to', 'source'], additionalProperties: false,
      properties: { names: strs, to: releaseId, source: str } } },
    crossMaps: { type: 'array', items: { type: 'object', required: ['from', 'to', 'name', 'replacedBy', 'source'], additionalProperties: false,
      properties: { from: releaseId, to: releaseId, name: str, replacedBy: strs, source: str, note: str } } },
  },
} as const;

export const PATHS_SCHEMA = {
  type: 'object', required: ['formatVersion', 'paths', 'unsourced'], additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    paths: { type: 'array', items: { type: 'object', required: ['from', 'to', 'method', 'source'], additionalProperties: false,
      properties: { from: releaseId, to: releaseId, method: { enum: ['same-major-swap', 'cross-major-pes'] }, source: str, note: str,
        targetVersion: fact({ type: 'string', pattern: '^\\d+\\.\\d+$' }),
        resources: { type: 'object', additionalProperties: false, properties: {
          diskMiB: fact({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 } }), memoryMiB: fact({ type: 'integer', minimum: 0 }), freeMemoryMiB: fact({ type: 'integer', minimum: 0 }) } },
        blockers: { type: 'array', items: { type: 'object', required: ['check', 'source', 'note'], additionalProperties: false,
          properties: { check: { enum: ['gui', 'i686-packages'] }, source: str, note: str } } } } } },
    unsourced: { type: 'array', items: { type: 'object', required: ['from', 'to', 'note'], additionalProperties: false,
      properties: { from: releaseId, to: releaseId, note: str } } },
  },
} as const;

/** Each data file and its schema. */
export const DATA_FILES = {
  'sources.json': SOURCES_SCHEMA,
  'releases.json': RELEASES_SCHEMA,
  'repos.json': REPOS_SCHEMA,
  'gpg-keys.json': GPG_SCHEMA,
  'vendor-packages.json': VENDOR_SCHEMA,
  'paths.json': PATHS_SCHEMA,
} as const;
export type DataFileName = keyof typeof DATA_FILES;
