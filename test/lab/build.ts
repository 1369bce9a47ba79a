// Builds lab sources into rpms (rpmbuild, cached by content hash) and assembles yum repositories
// (createrepo_c + modifyrepo_c for modules.yaml and updateinfo.xml), optionally GPG-signed.
import { execFile } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync,
  writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { payloadEntries, renderSpec, rpmFileNames, sha256, sourceKey, type SourceDef } from './model.js';
import { assert } from '../../src/core/index.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DEFAULT_CACHE = join(REPO_ROOT, '.cache', 'lab');

export interface RunResult { stdout: string; stderr: string }

/** Runs argv (never a shell string); rejects with the command, exit status and stderr. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else res({ stdout, stderr });
    });
  });
}

/** A private HOME whose .rpmmacros puts the rpmdb where EL puts it (Debian's rpm uses ~/.rpmdb). */
export function labHome(cacheDir: string): string {
  const home = join(cacheDir, 'home');
  const macros = join(home, '.rpmmacros');
  const want = '%_dbpath /var/lib/rpm\n';
  if (!existsSync(macros) || readFileSync(macros, 'utf8') !== want) {
    mkdirSync(home, { recursive: true });
    writeFileSync(macros, want);
  }
  return home;
}

export function labEnv(cacheDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: labHome(cacheDir), LC_ALL: 'C', SOURCE_DATE_EPOCH: '1600000000' };
}

/** Runs `fn` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

export const PARALLEL = Math.max(2, cpus().length);

/** Directory holding the built rpms of `src`; builds it unless cached. */
export async function buildSource(src: SourceDef, cacheDir: string): Promise<string> {
  const key = sourceKey(src);
  const outDir = join(cacheDir, 'rpms', key);
  if (existsSync(join(outDir, '.done'))) return outDir;
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'tmp', `build-${src.name}-`));
  try {
    const payload = join(work, 'payload');
    for (const [rel, kind, content] of payloadEntries(src)) {
      const p = join(payload, rel);
      mkdirSync(kind === 'dir' ? p : dirname(p), { recursive: true });
      if (kind === 'file') writeFileSync(p, content);
      else if (kind === 'symlink') symlinkSync(content, p);
    }
    mkdirSync(payload, { recursive: true });
    const spec = join(work, `${src.name}.spec`);
    writeFileSync(spec, renderSpec(src));
    await run('rpmbuild', [
      '-bb', '--quiet',
      '--define', `_topdir ${join(work, 'top')}`,
      '--define', `lab_payload ${payload}`,
      '--define', 'debug_package %{nil}',
      '--define', '__os_install_post %{nil}',
      '--define', '_build_id_links none',
      '--define', '_binary_payload w6.gzdio',
      '--define', '_buildhost lab.ferry.invalid',
      '--define', 'use_source_date_epoch_as_buildtime 1',
      '--define', 'clamp_mtime_to_source_date_epoch 1',
      ...(src.arch === 'i686' ? ['--target', 'i686'] : []),
      spec,
    ], { env: labEnv(cacheDir) });
    const staged = join(work, 'out');
    mkdirSync(staged);
    const rpmsDir = join(work, 'top', 'RPMS');
    for (const arch of readdirSync(rpmsDir)) {
      for (const f of readdirSync(join(rpmsDir, arch))) renameSync(join(rpmsDir, arch, f), join(staged, f));
    }
    for (const f of rpmFileNames(src)) {
      assert(existsSync(join(staged, f)), `rpmbuild of ${src.name} did not produce ${f}`);
    }
    writeFileSync(join(staged, '.done'), `${key}\n`);
    publish(staged, outDir);
    return outDir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Moves a finished build into the cache. Another process may have published the same content-addressed
 * entry meanwhile: then its copy is kept and ours dropped.
 */
export function publish(staged: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  if (!existsSync(join(dest, '.done'))) rmSync(dest, { recursive: true, force: true });
  try {
    renameSync(staged, dest);
  } catch (err) {
    if (!existsSync(join(dest, '.done'))) throw err;
    rmSync(staged, { recursive: true, force: true });
  }
}

/**
 * An installed-root template in the cache, `<cacheDir>/roots/<name>-<key>`: built once by `install(root,
 * stage)` in a staging directory (dnf's cache dropped afterwards), then published. Returns the template dir.
 */
export async function cachedRoot(cacheDir: string, name: string, key: string, install: (root: string, stage: string) => Promise<void>): Promise<string> {
  const template = join(cacheDir, 'roots', `${name}-${key}`);
  if (existsSync(join(template, '.done'))) return template;
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  const stage = mkdtempSync(join(cacheDir, 'tmp', `root-${name}-`));
  const root = join(stage, 'root');
  mkdirSync(root);
  try {
    await install(root, stage);
    rmSync(join(root, 'var', 'cache', 'dnf'), { recursive: true, force: true });
    writeFileSync(join(stage, '.done'), `${key}\n`);
    publish(stage, template);
  } catch (err) {
    rmSync(stage, { recursive: true, force: true });
    throw err;
  }
  return template;
}

export interface RepoInput {
  /** Human id, used in the directory name. */
  id: string;
  sources: SourceDef[];
  modulesYaml?: string;
  updateinfoXml?: string;
  sign?: LabSigningKey;
}

export interface LabSigningKey {
  gnupgHome: string;
  fingerprint: string;
  publicKeyPath: string;
}

/** Builds (or finds cached) a repo directory with repodata/; returns its absolute path. */
export async function buildRepo(input: RepoInput, cacheDir: string): Promise<string> {
  const rpmDirs = await mapLimit(input.sources, PARALLEL, (s) => buildSource(s, cacheDir));
  const files = input.sources.flatMap((s, i) => rpmFileNames(s).map((f) => join(rpmDirs[i], f)));
  const key = sha256(JSON.stringify({
    v: 1, rpms: input.sources.map(sourceKey), modules: input.modulesYaml ?? null,
    updateinfo: input.updateinfoXml ?? null, sign: input.sign?.fingerprint ?? null,
  })).slice(0, 16);
  const repoDir = join(cacheDir, 'repos', `${input.id}${input.sign ? '-signed' : ''}-${key}`);
  if (existsSync(join(repoDir, '.done'))) return repoDir;
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'tmp', `repo-${input.id}-`));
  try {
    const pkgDir = join(work, 'Packages');
    mkdirSync(pkgDir);
    for (const f of files) {
      const dest = join(pkgDir, f.slice(f.lastIndexOf('/') + 1));
      if (input.sign) copyFileSync(f, dest); else linkSync(f, dest);
    }
    if (input.sign) await signRpms(readdirSync(pkgDir).map((f) => join(pkgDir, f)), input.sign, cacheDir);
    await run('createrepo_c', ['--quiet', '--no-database', '--simple-md-filenames', '--revision', '1', work]);
    if (input.modulesYaml) await addMetadata(work, 'modules', 'modules.yaml', input.modulesYaml);
    if (input.updateinfoXml) await addMetadata(work, 'updateinfo', 'updateinfo.xml', input.updateinfoXml);
    writeFileSync(join(work, '.done'), `${key}\n`);
    publish(work, repoDir);
    return repoDir;
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

async function addMetadata(repo: string, mdtype: string, name: string, content: string): Promise<void> {
  const tmp = mkdtempSync(join(repo, '.md-'));
  const file = join(tmp, name);
  writeFileSync(file, content);
  await run('modifyrepo_c', ['--mdtype', mdtype, '--compress-type', 'gz', file, join(repo, 'repodata')]);
  rmSync(tmp, { recursive: true, force: true });
}

/** The lab's signing key (RSA 2048, no passphrase, private GNUPGHOME), generated once and cached. */
export async function labSigningKey(cacheDir: string): Promise<LabSigningKey> {
  const gnupgHome = join(cacheDir, 'gpg');
  const publicKeyPath = join(gnupgHome, 'RPM-GPG-KEY-ferry-lab');
  const fprFile = join(gnupgHome, 'fingerprint');
  if (existsSync(fprFile) && existsSync(publicKeyPath)) {
    return { gnupgHome, fingerprint: readFileSync(fprFile, 'utf8').trim(), publicKeyPath };
  }
  rmSync(gnupgHome, { recursive: true, force: true });
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  const env = { ...labEnv(cacheDir), GNUPGHOME: gnupgHome };
  await run('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '',
    '--quick-gen-key', 'Ferry Lab Signing Key <lab@ferry.invalid>', 'rsa2048', 'sign', 'never'], { env });
  const list = await run('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
  const fpr = list.stdout.split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9];
  assert(fpr, `no fingerprint in gpg output:\n${list.stdout}`);
  const pub = await run('gpg', ['--batch', '--armor', '--export', fpr], { env });
  writeFileSync(publicKeyPath, pub.stdout);
  writeFileSync(fprFile, `${fpr}\n`);
  return { gnupgHome, fingerprint: fpr, publicKeyPath };
}

async function signRpms(files: string[], key: LabSigningKey, cacheDir: string): Promise<void> {
  await run('rpmsign', ['--addsign', '--define', '__gpg /usr/bin/gpg', '--define', `_gpg_name ${key.fingerprint}`, '--define', `_gpg_path ${key.gnupgHome}`,
    '--define', '_gpg_sign_cmd_extra_args --pinentry-mode loopback --passphrase ""', ...files],
  { env: { ...labEnv(cacheDir), GNUPGHOME: key.gnupgHome } });
}
