// The built package is self-contained: `npm pack` (bin/ and dist/), installed into an empty directory outside
// the project, runs `ferry catalog` and `ferry plan` with the catalog's GPG keys found — the data, schemas and
// key armor ship inside it, nothing is read from src/ or ../shared. Needs the build (npm test builds first).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Lab } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import type { MigrationPlan } from '../../src/plan/index.js';

const project = join(import.meta.dirname, '..', '..');
const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'npm')
  || (existsSync(join(project, 'dist', 'cli', 'main.js')) ? false : 'no dist/: run npm run build (npm test builds first)');
let lab: Lab;
let dir: string;
let ferry: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-package-'));
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: project, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack made no tarball');
  const contents = spawnSync('tar', ['-tzf', join(dir, tgz)], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(contents, /package\/src\//, 'the package ships no sources');
  assert.match(contents, /package\/dist\/catalog\/data\/keys\//, 'the key armor ships in the package');
  assert.equal(spawnSync('npm', ['init', '-y'], { cwd: dir, encoding: 'utf8' }).status, 0);
  const inst = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz)], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  assert.equal(inst.status, 0, inst.stderr.slice(-2000));
  ferry = join(dir, 'node_modules', '.bin', 'ferry');
  lab = await createLab();
});
after(async () => {
  await lab?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; out: string; err: string } => {
  const r = spawnSync(ferry, args, { cwd: dir, encoding: 'utf8', env: { ...env, FERRY_FROM_SOURCE: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('the installed package runs ferry catalog and ferry plan with the GPG keys found, from an empty directory', { skip }, async () => {
  const show = run(['catalog', 'show', 'rocky-8', '--json']);
  assert.equal(show.code, 0, show.err);
  assert.equal((JSON.parse(show.out) as { release: { id: string } }).release.id, 'rocky-8');
  const d = await lab.distro('rocky-8');
  const host = await lab.host({ from: 'centos-8' });
  const r = run(['--json', 'plan', 'local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`], host.env);
  assert.equal(r.code, 0, r.err + r.out.slice(0, 2000));
  const plan = JSON.parse(r.out) as MigrationPlan;
  const step = plan.steps.find((s) => s.kind === 'import-gpg-keys');
  const keys = (step?.options as { keys?: { name: string; armored: string; fingerprints: string[] }[] } | undefined)?.keys ?? [];
  assert.ok(keys.length > 0, `no GPG key in the plan: ${plan.notes.join('; ')}`);
  for (const k of keys) {
    assert.match(k.armored, /BEGIN PGP PUBLIC KEY BLOCK/, k.name);
    assert.ok(k.fingerprints.every((f) => /^[0-9A-F]{40}$/.test(f)), k.name);
  }
  assert.ok(!plan.notes.some((n) => /no GPG key/.test(n)), plan.notes.join('; '));
});
