/**
 * Imports the target's GPG keys into the rpm database after checking, on the host with gpg, that each key
 * file holds exactly the fingerprints the plan expects (from the catalog, or given by the user for a
 * private mirror). Registers the rpm database before importing; a key rpm did not write (whatever its exit status)
 * fails the step with rpm's message.
 */
import { posix } from 'node:path';
import { FerryError } from '../../core/index.js';
import { hostPath, mkdirHost } from '../journal.js';
import { dirRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Transport } from '../../transport/types.js';
import type { Step, StepContext } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { importGpgKeysKind, type ImportGpgKeysOptions, type GpgKeySpec } from '../../plan/steps/index.js';

/** `gpg --show-keys --with-colons` output → primary key fingerprints (fpr lines after pub lines). */
export function parseColonFingerprints(text: string): string[] {
  const out: string[] = [];
  let afterPub = false;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') afterPub = true;
    else if (f[0] === 'fpr' && afterPub) { out.push(f[9].toUpperCase()); afterPub = false; }
    else if (f[0] === 'sub') afterPub = false;
  }
  return out;
}

/** `gpg-pubkey-<short id>` as rpm names an imported key (last 8 hex digits of the fingerprint, lower case). */
export function rpmKeyName(fingerprint: string): string {
  return `gpg-pubkey-${fingerprint.slice(-8).toLowerCase()}`;
}

async function importedAll(ctx: StepContext, keys: GpgKeySpec[]): Promise<boolean> {
  const names = keys.flatMap((k) => k.fingerprints.map(rpmKeyName));
  if (names.length === 0) return true;
  return (await ctx.transport.run(rpmArgv(ctx.transport, '-q', ...names))).code === 0;
}

/**
 * Writes `key` into dir (a directory below the transport's root) and checks with gpg that the file holds exactly
 * the fingerprints the plan expects; returns the file and the gpg-pubkey names rpm gives its keys.
 */
export async function writeCheckedKey(transport: Transport, dir: string, key: GpgKeySpec): Promise<{ file: string; names: string[] }> {
  const file = posix.join(dir, key.name.replace(/[^A-Za-z0-9._-]/g, '_'));
  await transport.writeFile(file, key.armored, { mode: 0o644 });
  const shown = await transport.run(['gpg', '--batch', '--no-options', '--homedir', hostPath(transport, dir), '--with-colons', '--show-keys', hostPath(transport, file)]);
  const got = parseColonFingerprints(shown.stdout).sort();
  const want = [...key.fingerprints].map((f) => f.toUpperCase()).sort();
  if (shown.code !== 0 || got.join() !== want.join()) {
    throw new FerryError('STEP_FAILED', `GPG key ${key.name} on ${transport.hostName} has fingerprints ${got.join(', ') || '(none)'}, expected ${want.join(', ')}`, {
      hint: 'The key file does not match the catalog: check the mirror you took it from.',
    });
  }
  return { file, names: want.map(rpmKeyName) };
}

export function importGpgKeysStep(options: ImportGpgKeysOptions): Step<ImportGpgKeysOptions> {
  return defineStep<ImportGpgKeysOptions>({
    ...importGpgKeysKind.spec(options),
    describe: () => options.keys.length ? options.keys.map((k) => `import ${k.name} (${k.fingerprints.join(', ')})`) : ['nothing to import (no key for these repositories)'],
    async apply(ctx) {
      const { transport } = ctx;
      const dir = posix.join(ctx.stateDir, 'keys');
      await mkdirHost(transport, dir);
      for (const key of options.keys) {
        const { file, names } = await writeCheckedKey(transport, dir, key);
        if ((await transport.run(rpmArgv(transport, '-q', ...names))).code === 0) continue;
        await ctx.register(dirRestorable('/var/lib/rpm'));
        const imported = await transport.run(rpmArgv(transport, '--import', hostPath(transport, file)));
        // rpm may exit 0 without writing the key (Debian's rpm 4.18 on a Berkeley DB database, which it opens only
        // through bdb_ro): the key must be queryable afterwards, else rpm's own message says why.
        if (imported.code !== 0 || (await transport.run(rpmArgv(transport, '-q', ...names))).code !== 0) {
          throw new FerryError('STEP_FAILED', `rpm --import ${key.name} on ${transport.hostName} (exit ${imported.code ?? imported.signal}) did not put ${names.join(', ')} into the rpm database: ${imported.stderr.trim().slice(0, 500) || '(rpm printed nothing)'}`, {
            hint: 'The rpm database is not writable by this rpm: check its format and the rpm that runs (rpm -q --qf "%{VERSION}" rpm, ls /var/lib/rpm).',
          });
        }
        ctx.output(`imported ${key.name}: ${key.fingerprints.join(', ')}`);
      }
    },
    isApplied: (ctx) => importedAll(ctx, options.keys),
    verify: (ctx) => importedAll(ctx, options.keys),
  });
}
