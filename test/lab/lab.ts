// The lab API for tests: distributions as real yum repos, installed roots made by dnf --installroot,
// and SSH hosts (a loopback sshd whose login reaches a lab root through Ferry's root-prefix option).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRepo, buildSource, cachedRoot, DEFAULT_CACHE, labEnv, labSigningKey, run, type LabSigningKey } from './build.js';
import { defineDistros, type DistroDef } from './distros.js';
import { sha256, sourceKey, type SourceDef } from './model.js';
import { generateKeyPair, startSshd, type SshdHandle, type StartSshdOptions } from './sshd.js';

export interface LabDistro {
  id: string;
  name: string;
  /** Absolute path of a directory holding repodata/ and Packages/. */
  repoDir: string;
  baseurl: string;
  releasever: string;
  modulePlatformId?: string;
  releasePackage: string;
  vendorPackages: string[];
  signed: boolean;
  gpgKeyPath?: string;
  gpgFingerprint?: string;
  def: DistroDef;
}

export interface LabHost {
  root: string;
  from: string;
  /** Environment for rpm/dnf run against this root (private HOME with `%_dbpath /var/lib/rpm`). */
  env: NodeJS.ProcessEnv;
  /** argv prefix for `dnf` against this root using only the given lab repos (default: its source distro). */
  dnfArgs(...repos: LabDistro[]): string[];
  dispose(): void;
}

export interface LabSshHost extends LabHost {
  host: '127.0.0.1';
  port: number;
  user: 'root';
  privateKeyPath: string;
  knownHostsPath: string;
  hostKeyFingerprint: string;
  sshd: SshdHandle;
  stop(): Promise<void>;
}

export interface HostOptions {
  from: string;
  /** Extra packages from the distro repo (e.g. `glibc.i686`, `nodejs`) or from `extraRepos`. */
  extras?: string[];
  /** Add the lab's EPEL-like repo and install `epel-release` + `htop` from it. */
  epel?: boolean;
  /** Install `acme-agent` with `rpm -i` (a package no repo carries). */
  noRepoPackage?: boolean;
  /** More lab-built packages no repo carries, installed with `rpm -i --nodeps` after `acme-agent`. */
  localPackages?: SourceDef[];
}

export interface Lab {
  cacheDir: string;
  /** The lab's own temporary directory (host copies, sshd state), removed by close(). */
  workDir: string;
  distro(id: string, opts?: { signed?: boolean }): Promise<LabDistro>;
  distroIds(): string[];
  /** The EPEL-like third-party repo (same shape as a LabDistro). */
  epel(): Promise<LabDistro>;
  host(opts: HostOptions): Promise<LabHost>;
  /** An SSH lab host; `sshd` adds sshd_config lines and a wrapper (e.g. `AllowTcpForwarding no`, a mount namespace). */
  sshHost(opts: HostOptions, sshd?: Pick<StartSshdOptions, 'extraConfig' | 'wrapper'>): Promise<LabSshHost>;
  signingKey(): Promise<LabSigningKey>;
  close(): Promise<void>;
}

const EPEL_SOURCES: SourceDef[] = [
  { name: 'epel-release', version: '8', release: '11.el8', arch: 'noarch', vendor: 'Fedora Project', license: 'GPLv2', binaries: [
    { name: 'epel-release', requires: ['system-release(releasever) = 8'], files: { '/etc/yum.repos.d/epel.repo':
      '[epel]\nname=Extra Packages for Enterprise Linux $releasever - $basearch\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=epel-$releasever&arch=$basearch\nenabled=1\ngpgcheck=1\n' } }] },
  { name: 'htop', version: '3.2.1', release: '1.el8', arch: 'x86_64', vendor: 'Fedora Project', license: 'GPLv2+', binaries: [
    { name: 'htop', requires: ['filesystem', 'libc.so.6()(64bit)'], files: { '/usr/bin/htop': '#lab htop\n' } }] },
];

const NO_REPO_SOURCE: SourceDef = { name: 'acme-agent', version: '1.4.2', release: '1', arch: 'x86_64', vendor: 'ACME Corp', license: 'Proprietary',
  binaries: [{ name: 'acme-agent', requires: ['filesystem', '/usr/bin/sh'], files: { '/opt/acme/bin/agent': '#acme\n', '/etc/acme/agent.conf': 'server=acme.invalid\n' },
    dirs: ['/opt/acme', '/opt/acme/bin', '/etc/acme'] }] };

function dnfConf(dir: string, cacheDir: string, repos: LabDistro[], modulePlatformId?: string): string {
  mkdirSync(join(dir, 'repos.d'), { recursive: true });
  const conf = join(dir, 'dnf.conf');
  writeFileSync(conf, [
    '[main]', 'gpgcheck=0', 'installonly_limit=3', 'best=True', 'skip_if_unavailable=False', 'install_weak_deps=False',
    // dnf puts cachedir under the installroot; the host template deletes it after the install.
    `cachedir=${cacheDir}`, `reposdir=${join(dir, 'repos.d')}`, 'keepcache=False', 'metadata_expire=-1',
    ...(modulePlatformId ? [`module_platform_id=${modulePlatformId}`] : []), '',
    ...repos.flatMap((r) => [`[lab-${r.id}${r.signed ? '-signed' : ''}]`, `name=Ferry lab ${r.name} (${r.id})`, `baseurl=${r.baseurl}`,
      `gpgcheck=${r.signed ? 1 : 0}`, ...(r.gpgKeyPath ? [`gpgkey=file://${r.gpgKeyPath}`] : []), 'enabled=1', '']),
  ].join('\n'));
  return conf;
}

/** argv (after `dnf`) for a lab root: private config, no host repos, no gpgcheck unless signed. */
/** Inside the installroot (dnf prefixes it); deleted from host templates. */
const DNF_CACHE = '/var/cache/dnf';

export function dnfArgsFor(root: string, work: string, repos: LabDistro[]): string[] {
  const platform = repos.find((r) => r.modulePlatformId)?.modulePlatformId;
  const dir = mkdtempSync(join(work, 'dnf-'));
  const conf = dnfConf(dir, DNF_CACHE, repos, platform);
  return ['-y', '-q', '--config', conf, '--installroot', root, '--releasever', repos[0]?.releasever ?? '8',
    `--setopt=reposdir=${join(dir, 'repos.d')}`, `--setopt=cachedir=${DNF_CACHE}`, '--setopt=best=True',
    ...(repos.every((r) => r.signed) ? [] : ['--nogpgcheck']),
    ...(platform ? [`--setopt=module_platform_id=${platform}`] : []), '--disableplugin=*'];
}

/**
 * `tmpDir` is where the lab makes its temporary directory (default os.tmpdir()): a tmpfs such as /dev/shm
 * keeps many host copies off a slow disk (removing 50 roots from this machine's disk takes ~10 s).
 */
export async function createLab(opts: { cacheDir?: string; tmpDir?: string } = {}): Promise<Lab> {
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(opts.tmpDir ?? tmpdir(), 'ferry-lab-'));
  const defs = defineDistros();
  const disposers: Array<() => Promise<void> | void> = [];
  const distros = new Map<string, Promise<LabDistro>>();

  function toDistro(def: DistroDef, repoDir: string, key?: LabSigningKey): LabDistro {
    return { id: def.id, name: def.name, repoDir, baseurl: `file://${repoDir}`, releasever: def.releasever,
      ...(def.modulePlatformId ? { modulePlatformId: def.modulePlatformId } : {}), releasePackage: def.releasePackage,
      vendorPackages: def.vendorPackages, signed: Boolean(key), ...(key ? { gpgKeyPath: key.publicKeyPath, gpgFingerprint: key.fingerprint } : {}), def };
  }

  async function distro(id: string, o: { signed?: boolean } = {}): Promise<LabDistro> {
    const def = defs.get(id);
    if (!def) throw new Error(`unknown lab distro ${id}; known: ${[...defs.keys()].join(', ')}`);
    const memo = `${id}${o.signed ? ':signed' : ''}`;
    let p = distros.get(memo);
    if (!p) {
      p = (async () => {
        const key = o.signed ? await labSigningKey(cacheDir) : undefined;
        const repoDir = await buildRepo({ id, sources: def.sources, modulesYaml: def.modulesYaml, updateinfoXml: def.updateinfoXml, sign: key }, cacheDir);
        return toDistro(def, repoDir, key);
      })();
      distros.set(memo, p);
    }
    return p;
  }

  let epelP: Promise<LabDistro> | undefined;
  function epel(): Promise<LabDistro> {
    epelP ??= (async () => {
      const repoDir = await buildRepo({ id: 'epel-8', sources: EPEL_SOURCES }, cacheDir);
      return { id: 'epel-8', name: 'EPEL-like', repoDir, baseurl: `file://${repoDir}`, releasever: '8', releasePackage: 'epel-release',
        vendorPackages: [], signed: false, def: { id: 'epel-8', name: 'EPEL-like', family: 'el8', releasever: '8', vendor: 'Fedora Project',
          releasePackage: 'epel-release', vendorPackages: [], sources: EPEL_SOURCES, hostPackages: ['epel-release', 'htop'] } };
    })();
    return epelP;
  }

  /** Installed roots are cached as a template per (distro repo, options) and copied per host. */
  async function host(o: HostOptions): Promise<LabHost> {
    const d = await distro(o.from);
    const e = o.epel ? await epel() : undefined;
    const local = [...(o.noRepoPackage ? [NO_REPO_SOURCE] : []), ...(o.localPackages ?? [])];
    const localDirs = await Promise.all(local.map((src) => buildSource(src, cacheDir)));
    // the key of a host without localPackages is what it was before they existed, so its template is reused
    const key = sha256(JSON.stringify({ v: 1, repo: d.repoDir, epel: e?.repoDir ?? null, extras: o.extras ?? [],
      noRepo: o.noRepoPackage ? sourceKey(NO_REPO_SOURCE) : null, ...(o.localPackages?.length ? { local: o.localPackages.map(sourceKey) } : {}) })).slice(0, 16);
    const env = labEnv(cacheDir);
    const template = await cachedRoot(cacheDir, o.from, key, async (root, stage) => {
      const repos = e ? [d, e] : [d];
      const pkgs = [...d.def.hostPackages, ...(o.extras ?? []), ...(e ? ['epel-release', 'htop'] : [])];
      await run('dnf', [...dnfArgsFor(root, stage, repos), 'install', ...pkgs], { env });
      for (const dir of localDirs) {
        const rpms = readdirSync(dir).filter((f) => f.endsWith('.rpm')).map((f) => join(dir, f));
        await run('rpm', ['--root', root, '-i', '--nodeps', ...rpms], { env });
      }
    });
    const hostDir = mkdtempSync(join(work, `host-${o.from}-`));
    const root = join(hostDir, 'root');
    // cp -a keeps mtimes, modes and symlinks, so `rpm -V` on a fresh host is clean.
    await run('cp', ['-a', '--reflink=auto', join(template, 'root'), root]);
    let disposed = false;
    const dispose = (): void => {
      if (disposed) return;
      disposed = true;
      rmSync(hostDir, { recursive: true, force: true });
    };
    disposers.push(dispose);
    return { root, from: o.from, env, dispose,
      dnfArgs: (...repos: LabDistro[]) => dnfArgsFor(root, hostDir, repos.length ? repos : [d]) };
  }

  async function sshHost(o: HostOptions, extra: Pick<StartSshdOptions, 'extraConfig' | 'wrapper'> = {}): Promise<LabSshHost> {
    const h = await host(o);
    const keyDir = mkdtempSync(join(work, 'ssh-'));
    const key = generateKeyPair(keyDir, 'id_ed25519');
    // The login shell keeps the lab HOME so rpm finds its %_dbpath macro, as on a real EL host.
    const sshd = await startSshd({ authorizedKeys: [`environment="HOME=${h.env.HOME}" ${key.publicKey}`], dir: join(keyDir, 'sshd'),
      extraConfig: ['PermitUserEnvironment yes', ...(extra.extraConfig ?? [])], ...(extra.wrapper ? { wrapper: extra.wrapper } : {}) });
    const stop = async (): Promise<void> => { await sshd.stop(); h.dispose(); };
    disposers.push(stop);
    return { ...h, host: '127.0.0.1', port: sshd.port, user: 'root', privateKeyPath: key.privateKeyPath,
      knownHostsPath: sshd.knownHostsPath, hostKeyFingerprint: sshd.hostKeyFingerprint, sshd, stop,
      dispose: () => { void stop(); } };
  }

  return {
    cacheDir, workDir: work, distro, epel, host, sshHost,
    distroIds: () => [...defs.keys()],
    signingKey: () => labSigningKey(cacheDir),
    close: async () => {
      for (const d of disposers.reverse()) await d();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
