// The package as a user installs it: built and packed from a copy of the sources (so the project's own dist/,
// which other tests run, is left alone), installed with npm from its cache into an empty directory under
// the temp dir, and run from there, where no ../shared/data is reachable. The catalog, its GPG key armor
// and the assessment schema must all come from inside the package.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { skipUnlessTools } from '../support/shared.js';
import { loadCatalog } from '../../src/catalog/index.js';
import type { MigrationPlan } from '../../src/plan/index.js';
import { useLab } from './helpers.js';

const PROJECT = resolve(import.meta.dirname, '..', '..');
const skip = skipUnlessTools('npm', 'tar', 'rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'make', 'g++');
const SOURCES = ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'scripts/build.mjs', 'web'];

interface Run { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, maxBuffer: 64 << 20, timeout: 600_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const lab = useLab(skip);
/** npm runs with the user's HOME, hence its cache, not the lab's (useLab points HOME at the lab before the tests). */
const npmEnv = { ...process.env, HOME: process.env.HOME };
let work: string;
let tarball: string;
let app: string;
/** The environment the installed ferry runs in: nothing from the project (no tsx, no NODE_PATH). */
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'ferry-package-'));
  const stage = join(work, 'stage');
  for (const f of SOURCES) cpSync(join(PROJECT, f), join(stage, f), { recursive: true });
  symlinkSync(join(PROJECT, 'node_modules'), join(stage, 'node_modules'));
  const packDir = join(work, 'pack');
  mkdirSync(packDir);
  const packed = await run('npm', ['pack', '--pack-destination', packDir], { cwd: stage, env: npmEnv });
  assert.equal(packed.code, 0, packed.stderr);
  const tgz = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  assert.equal(tgz.length, 1, `npm pack wrote ${tgz.join(', ')}`);
  tarball = join(packDir, tgz[0]);
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "ferry-user", "private": true }\n');
  // Offline first; npm ci caches the tarballs but not the packuments an install of a tarball resolves its dependencies
  // with, so on a fresh machine that fails with ENOTCACHED and the install asks the registry for what the cache lacks.
  let installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, env: npmEnv });
  if (installed.code !== 0 && /ENOTCACHED/.test(installed.stdout + installed.stderr)) {
    installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, env: npmEnv });
  }
  assert.equal(installed.code, 0, installed.stdout + installed.stderr);
  // The lab's HOME (useLab) gives Debian's rpm the %_dbpath of the lab roots.
  env = { PATH: process.env.PATH, HOME: process.env.HOME, FERRY_HOME: join(work, 'ferry-home'), LANG: 'C.UTF-8' };
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const ferry = (args: string[]): Promise<Run> => run(join(app, 'node_modules', '.bin', 'ferry'), args, { cwd: app, env });

test('npm pack ships bin/ and the built dist/ with its data, schemas and key armor, and no sources, tests or test support', { skip }, async () => {
  const listed = await run('tar', ['-tzf', tarball], { cwd: work });
  const files = listed.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  for (const f of ['bin/ferry.js', 'package.json', 'dist/cli/main.js', 'dist/catalog/data/releases.json', 'dist/catalog/data/keys/rocky/RPM-GPG-KEY-Rocky-8',
    'dist/report/schema/assessment.schema.json']) assert.ok(files.includes(f), `${f} is not in the package`);
  assert.deepEqual(files.filter((f) => /^(src|test|scripts)\//.test(f) || /\.test\.js$|\.py$|\.map$|\/testing(\/|\.js$)/.test(f)), []);
});

test('the installed package cannot reach ../shared/data: no ancestor of it has one', { skip }, () => {
  const pkg = join(app, 'node_modules', 'ferry');
  assert.ok(existsSync(join(pkg, 'dist', 'catalog', 'data', 'keys')));
  for (let dir = pkg; dir !== dirname(dir); dir = dirname(dir)) assert.ok(!existsSync(join(dir, 'shared', 'data')), `${dir}/shared/data exists`);
});

test('the installed ferry shows a catalog release with its keys', { skip }, async () => {
  const r = await ferry(['catalog', 'show', 'rocky-8', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout) as { release: { id: string }; gpgKeys: { files: { file: string; keys: { fingerprint: string }[] }[] } };
  assert.equal(shown.release.id, 'rocky-8');
  assert.deepEqual(shown.gpgKeys.files.map((f) => f.file), ['RPM-GPG-KEY-Rocky-8']);
});

test('the installed ferry plans centos-8 → rocky-8 with the catalog key armor in its import-gpg-keys step', { skip }, async () => {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const r = await ferry(['plan', 'local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const { steps } = JSON.parse(r.stdout) as MigrationPlan;
  const imported = steps.find((s) => s.kind === 'import-gpg-keys');
  assert.ok(imported, `no import-gpg-keys step among ${steps.map((s) => s.kind).join(', ')}`);
  const keys = (imported.options as { keys: { name: string; armored: string; fingerprints: string[] }[] }).keys;
  const want = loadCatalog().gpgKeys('rocky-8').files.map((f) => [f.file, f.keys.map((k) => k.fingerprint)]);
  assert.deepEqual(keys.map((k) => [k.name, k.fingerprints]), want);
  assert.ok(want.length > 0 && keys.every((k) => k.fingerprints.length > 0 && k.armored.includes('BEGIN PGP PUBLIC KEY BLOCK')));
  host.dispose();
});

test('the installed ferry assesses a host, and its report validates against the schema shipped in the package', { skip }, async () => {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const r = await ferry(['assess', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--today', '2024-06-01', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const schemaModule = pathToFileURL(join(app, 'node_modules', 'ferry', 'dist', 'report', 'assessment-schema.js')).href;
  const check = `import(${JSON.stringify(schemaModule)}).then((m) => { const e = m.validateAssessment(JSON.parse(require('fs').readFileSync(0, 'utf8'))); console.log(JSON.stringify([m.assessmentSchemaPath(), e])); })`;
  const validated = await new Promise<Run>((done) => {
    const child = execFile(process.execPath, ['-e', check], { cwd: app, env }, (err, stdout, stderr) => done({ code: err ? 1 : 0, stdout, stderr }));
    child.stdin?.end(r.stdout);
  });
  assert.equal(validated.code, 0, validated.stderr);
  const [schemaPath, errors] = JSON.parse(validated.stdout) as [string, unknown[]];
  assert.ok(schemaPath.startsWith(join(app, 'node_modules', 'ferry', 'dist')), schemaPath);
  assert.deepEqual(errors, []);
  host.dispose();
});
