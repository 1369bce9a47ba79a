// Host shapes for bench/migrate.bench.mjs. `tiny` is the lab's own CentOS 8 host (~30 packages, where
// fixed costs dominate); `large` adds a few hundred filler packages with payload files to both the CentOS 8
// and the Rocky 8 repositories (the target builds carry a newer release, as 8.2 → 8.4 moves most of a
// real host), so distro-sync does realistic rpm work: hundreds of upgrades, tens of MB of files.
// Repos and the installed template are built once and cached under the lab cache like the lab's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRepo, cachedRoot, labEnv, run } from './build.js';
import { dnfArgsFor, type Lab, type LabDistro, type LabHost } from './lab.js';
import { sha256, type SourceDef } from './model.js';

export interface BenchShape {
  /** Installed packages on a fresh host of this shape. */
  packages: number;
  target: LabDistro;
  host(): Promise<LabHost>;
}

export interface BenchHostOptions {
  /** Filler binary packages (default 400). */
  fillers?: number;
  /** Files per filler package (default 12). */
  filesPerPackage?: number;
  /** Mean payload file size in bytes (default 6000). */
  fileBytes?: number;
}

const PER_SOURCE = 10;

/** Deterministic, not very compressible text of about `bytes` bytes. */
function payload(seed: string, bytes: number): string {
  const parts: string[] = [];
  let h = seed;
  let n = 0;
  while (n < bytes) {
    h = sha256(h);
    parts.push(h);
    n += h.length;
  }
  return parts.join('\n').slice(0, bytes) + '\n';
}

/** Filler sources: `PER_SOURCE` binaries each; `release` differs between source and target builds. */
export function fillerSources(o: Required<BenchHostOptions>, release: string, vendor: string): SourceDef[] {
  const out: SourceDef[] = [];
  for (let s = 0; s * PER_SOURCE < o.fillers; s++) {
    const name = `bench-suite${String(s).padStart(3, '0')}`;
    const binaries = [];
    for (let b = s * PER_SOURCE; b < Math.min(o.fillers, (s + 1) * PER_SOURCE); b++) {
      const pkg = `bench-pkg${String(b).padStart(4, '0')}`;
      const files: Record<string, string> = {};
      for (let f = 0; f < o.filesPerPackage; f++) {
        // Sizes spread from 1/4 to 7/4 of the mean; content depends on the release, so an upgrade rewrites every file.
        const size = Math.round(o.fileBytes * (0.25 + 1.5 * (((b * 31 + f * 17) % 100) / 100)));
        files[`/usr/share/bench/${pkg}/f${String(f).padStart(2, '0')}.dat`] = payload(`${pkg}/${f}/${release}`, size);
      }
      files[`/etc/bench/${pkg}.conf`] = `# ${pkg} ${release}\nenabled=1\n`;
      binaries.push({ name: pkg, requires: ['filesystem', 'libc.so.6()(64bit)'], files, dirs: [`/usr/share/bench/${pkg}`] });
    }
    out.push({ name, version: '1.0', release, arch: 'x86_64', vendor, license: 'MIT', binaries });
  }
  return out;
}

export async function createBenchHosts(lab: Lab, options: BenchHostOptions = {}): Promise<{ tiny(): Promise<BenchShape>; large(): Promise<BenchShape>; close(): void }> {
  const o: Required<BenchHostOptions> = { fillers: options.fillers ?? 400, filesPerPackage: options.filesPerPackage ?? 12, fileBytes: options.fileBytes ?? 6000 };
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-host-'));
  const env = labEnv(lab.cacheDir);

  async function countPackages(h: LabHost): Promise<number> {
    const r = await run('rpm', ['--root', h.root, '-qa'], { env: h.env });
    return r.stdout.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey-')).length;
  }

  async function tiny(): Promise<BenchShape> {
    const target = await lab.distro('rocky-8');
    const probe = await lab.host({ from: 'centos-8', extras: ['nodejs'] });
    const packages = await countPackages(probe);
    probe.dispose();
    return { packages, target, host: () => lab.host({ from: 'centos-8', extras: ['nodejs'] }) };
  }

  async function large(): Promise<BenchShape> {
    const c8 = await lab.distro('centos-8');
    const r8 = await lab.distro('rocky-8');
    const build = async (d: LabDistro, release: string): Promise<LabDistro> => {
      const sources = [...d.def.sources, ...fillerSources(o, release, d.def.vendor)];
      const repoDir = await buildRepo({ id: `bench-${d.id}`, sources, modulesYaml: d.def.modulesYaml, updateinfoXml: d.def.updateinfoXml }, lab.cacheDir);
      return { ...d, repoDir, baseurl: `file://${repoDir}`, def: { ...d.def, sources } };
    };
    const source = await build(c8, '1.el8');
    const target = await build(r8, '2.el8');
    const fillerNames = Array.from({ length: o.fillers }, (_, b) => `bench-pkg${String(b).padStart(4, '0')}`);
    const key = sha256(JSON.stringify({ v: 1, repo: source.repoDir })).slice(0, 16);
    const template = await cachedRoot(lab.cacheDir, 'bench-large', key, async (root, stage) => {
      await run('dnf', [...dnfArgsFor(root, stage, [source]), 'install', ...c8.def.hostPackages, 'nodejs', ...fillerNames], { env });
    });
    const host = async (): Promise<LabHost> => {
      const hostDir = mkdtempSync(join(work, 'host-bench-large-'));
      const root = join(hostDir, 'root');
      await run('cp', ['-a', '--reflink=auto', join(template, 'root'), root]);
      return { root, from: 'centos-8', env, dispose: () => rmSync(hostDir, { recursive: true, force: true }),
        dnfArgs: (...repos: LabDistro[]) => dnfArgsFor(root, hostDir, repos.length ? repos : [source]) };
    };
    const probe = await host();
    const packages = await countPackages(probe);
    probe.dispose();
    return { packages, target, host };
  }

  return { tiny, large, close: () => rmSync(work, { recursive: true, force: true }) };
}
