import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { isFerryError } from '../../core/index.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../../test/support/shared.js';
import { compareModuleVersions, formatNsvca, parseModulesYaml, readModules } from './modules.js';

const FEDORA = ['repodata', 'fedora-modular-createrepo_c', 'modules.yaml.gz'];
const CS9_DIR = ['repodata', 'cs9-appstream-20250113', 'repodata'];

function rawVersions(text: string): string[] {
  // every `version:` line directly under a modulemd `data:` (2-space indent) in document order
  return [...text.matchAll(/^document: modulemd\n[\s\S]*?^ {2}version: (\S+)$/gm)].map((m) => m[1]);
}

test('Fedora modules.yaml: 64 streams, 17 defaults, every version digit kept', { skip: skipUnlessShared(...FEDORA) }, () => {
  const text = gunzipSync(readFileSync(sharedPath(...FEDORA))).toString('utf8');
  const md = parseModulesYaml(text, 'modules.yaml.gz');
  assert.equal(md.streams.length, 64);
  assert.equal(md.defaults.length, 17);
  assert.deepEqual(md.streams.map((s) => s.version), rawVersions(text));
  // `stream: 2.10` is a string, not the float 2.1
  const scala = md.defaults.find((d) => d.module === 'scala');
  assert.deepEqual(scala, { module: 'scala', stream: '2.10', profiles: { '2.10': ['default'] } });
  const nodejs = md.defaults.find((d) => d.module === 'nodejs');
  assert.equal(nodejs?.stream, undefined);
  assert.deepEqual(Object.keys(nodejs?.profiles ?? {}).sort(), ['6', '8', '9']);
  for (const s of md.streams) {
    assert.match(s.version, /^\d+$/);
    for (const a of s.artifacts) assert.match(a, /^.+-\d+:.+-.+\.[^.]+$/, `${formatNsvca(s)} artifact ${a}`);
  }
});

test('CentOS Stream 9 AppStream modules.yaml.xz: streams, profiles, artifacts, dependencies', {
  skip: skipUnlessShared(...CS9_DIR) || skipUnlessTools('xz'),
}, async () => {
  const dir = sharedPath(...CS9_DIR);
  const file = readdirSync(dir).find((f) => f.endsWith('modules.yaml.xz'));
  assert.ok(file);
  const text = execFileSync('xz', ['-dc', `${dir}/${file}`]);
  const md = await readModules(Readable.from([text.subarray(0, 1000), text.subarray(1000)]), { file });
  assert.equal(md.streams.length, 31);
  assert.equal(md.defaults.length, 8);
  const maria = md.streams.find((s) => s.name === 'mariadb' && s.version === '920240126110506');
  assert.ok(maria);
  assert.equal(formatNsvca(maria), 'mariadb:10.11:920240126110506:rhel9:x86_64');
  assert.equal(maria.staticContext, true);
  assert.deepEqual(maria.profiles.server, { rpms: ['mariadb-server'] });
  assert.deepEqual(maria.dependencies, [{ buildrequires: { platform: ['el9'] }, requires: {} }]);
  assert.ok(maria.artifacts.includes('mariadb-server-3:10.11.6-1.module_el9+853+7b957b9b.x86_64'));
  assert.deepEqual(md.defaults.find((d) => d.module === 'mariadb'), { module: 'mariadb', profiles: { '10.11': ['server'] } });
});

// ruby:2.6:8060020220628150300:d63f516d:x86_64 is a real Rocky 8 module (RLSA-2019:1972 in
// ../shared/data/repodata/rocky8-updateinfo-sample); its version is above 2^53.
const RUBY = `---
document: modulemd
version: 2
data:
  name: ruby
  stream: 2.6
  version: 8060020220628150300
  context: d63f516d
  arch: x86_64
  summary: An interpreter of object-oriented scripting language
  artifacts:
    rpms:
    - rubygem-abrt-0:0.3.0-4.module+el8.5.0+738+032c9c02.noarch
...
---
document: modulemd
version: 2
data:
  name: ruby
  stream: 2.6
  version: 8060020220628150299
  context: d63f516d
  arch: x86_64
...
`;

test('module versions above 2^53 keep every digit and compare as integers', () => {
  const md = parseModulesYaml(RUBY, 'ruby.yaml');
  const [a, b] = md.streams;
  assert.equal(a.version, '8060020220628150300');
  assert.equal(b.version, '8060020220628150299');
  assert.ok(BigInt(a.version) > 2n ** 53n);
  assert.equal(Number(a.version), Number(b.version)); // a float cannot tell them apart …
  assert.equal(compareModuleVersions(a.version, b.version), 1); // … the comparison can
  assert.equal(compareModuleVersions(b.version, a.version), -1);
  assert.equal(compareModuleVersions(a.version, '8060020220628150300'), 0);
  assert.equal(compareModuleVersions('920240126110506', '3020190118145501'), -1);
  assert.equal(a.stream, '2.6');
});

function expectMetadataError(text: string, pattern: RegExp): void {
  assert.throws(() => parseModulesYaml(text, 'bad.yaml'), (err: unknown) => {
    assert.ok(isFerryError(err, 'REPO_METADATA'), String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

test('malformed YAML names the file and the document', () => {
  expectMetadataError(`${RUBY}---\ndocument: modulemd\nversion: 2\ndata: [unclosed\n`, /^bad\.yaml: YAML document #3/);
  expectMetadataError('---\ndocument: modulemd\nversion: 2\ndata:\n  name: x\n  stream: y\n  version: 12a\n', /document #1 .*"12a"/);
  expectMetadataError('---\ndocument: modulemd\nversion: 2\ndata:\n  name: x\n  stream: y\n  version: 18446744073709551616\n', /64-bit/);
  expectMetadataError('---\ndocument: modulemd\nversion: 3\ndata:\n  name: x\n', /unsupported document version 3/);
  expectMetadataError('---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  profiles: {}\n', /missing "module"/);
  expectMetadataError('--- [1, 2]\n', /expected a mapping/);
});

test('an alias bomb is refused, not expanded', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  const bomb = `---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: m\n  profiles: {}\n  lol:\n${levels.map((l) => `    ${l}`).join('\n')}\n`;
  const t0 = Date.now();
  expectMetadataError(bomb, /document #1: .*alias/i);
  assert.ok(Date.now() - t0 < 2000);
});

test('other document kinds are counted; obsoletes are read', () => {
  const md = parseModulesYaml(`---
document: modulemd-obsoletes
version: 1
data:
  modified: 2022-01-24T08:00Z
  module: nodejs
  stream: 10
  eol_date: 2021-04-30T00:00Z
  message: Stream 10 is EOL
  obsoleted_by:
    module: nodejs
    stream: 12
...
---
document: modulemd-translations
version: 1
data:
  module: x
...
`, 'o.yaml');
  assert.deepEqual(md.obsoletes, [{
    module: 'nodejs', stream: '10', modified: '2022-01-24T08:00Z', reset: false, eolDate: '2021-04-30T00:00Z',
    message: 'Stream 10 is EOL', obsoletedBy: { module: 'nodejs', stream: '12' },
  }]);
  assert.deepEqual(md.otherDocuments, { 'modulemd-translations': 1 });
});

test("libyaml's column-0 closing quote is read as libyaml reads it", () => {
  // the shape of stratisd's `rationale` in Fedora's modules.yaml (PyYAML reads the same value)
  const text = "---\ndocument: modulemd\nversion: 2\ndata:\n  name: stratis\n  stream: 1\n  version: 20180816151613\n" +
    "  summary: 'Daemon that manages\n    filesystems.\n\n\n    Main component.\n\n'\n  context: c2c572ec\n...\n";
  const [s] = parseModulesYaml(text, 'q.yaml').streams;
  assert.equal(s.summary, 'Daemon that manages filesystems.\n\nMain component.\n');
  assert.equal(s.context, 'c2c572ec');
});
