/**
 * Kernel and bootloader: make the newest installed target kernel the default boot entry, regenerate the
 * grub configuration, and on UEFI regenerate the target's EFI grub.cfg and create a boot entry for its
 * shim (the old vendor's entry points at files that left with the old shim package). With BLS entries
 * (EL8+) the default is the grubenv's `saved_entry`: on a live host grubby sets it; on an installed root (image, lab), where grubby
 * would look at the controller's /boot, the step writes `saved_entry` itself (grub2-editenv when the host
 * has it, else an in-place edit of the 1024-byte block), registering the grubenv file first. Each part
 * runs only where it is meaningful and otherwise records why it was skipped.
 */
import { compareEvr, parseEvr } from '../../rpm/evr.js';
import { blsKernelRelease, installedKernels, parseEfibootmgr, planEfiRepair, readBlsDefault, readBlsEntries, readGrubenv, setGrubenvVar, shimStatus, type EfiBootInfo, type EfiRepair, type InstalledKernel } from '../boot.js';
import { hostPath, runChecked } from '../journal.js';
import { fileRestorable } from '../restorables.js';
import { readOsRelease } from '../verify.js';
import { defineStep } from '../runner.js';
import type { JsonValue, Step, StepContext } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { writeNote } from './notes.js';
import { bootloaderKind, type BootloaderOptions } from '../../plan/steps/index.js';

/** The newest kernel of the target vendor (the vendor of `targetVendorOf`), else the newest installed. */
async function targetKernel(ctx: StepContext, targetVendorOf: string | null): Promise<string | undefined> {
  const t = ctx.transport;
  const kernels = await installedKernels(ctx.transport);
  let vendor: string | undefined;
  if (targetVendorOf) {
    const v = await t.run(rpmArgv(t, '-q', '--qf', '%{VENDOR}', targetVendorOf));
    if (v.code === 0) vendor = v.stdout.trim();
  }
  const pool = kernels.filter((k) => k.vendor === vendor);
  const byEvr = (a: InstalledKernel, b: InstalledKernel): number => compareEvr(parseEvr(b.release), parseEvr(a.release)) || b.installTime - a.installTime;
  return [...(pool.length ? pool : kernels)].sort(byEvr)[0]?.release;
}

/** Points grubenv's saved_entry at `id` on any host: grub2-editenv when present, else an in-place edit. */
async function setSavedEntry(ctx: StepContext, id: string): Promise<{ did?: string; skipped?: string }> {
  const t = ctx.transport;
  const env = await readGrubenv(t);
  if (!env) return { skipped: 'no grubenv (/boot/grub2/grubenv): GRUB boots the first entry by version, which is the newest kernel' };
  if (env.vars?.get('saved_entry') === id) return { did: `saved_entry already ${id} (${env.path})` };
  await ctx.register(fileRestorable(env.path));
  const mode = env.text === undefined ? undefined : (await t.run(['stat', '-c', '%a', hostPath(t, env.path)])).stdout.trim();
  const editenv = await t.run(['sh', '-c', 'command -v grub2-editenv']);
  if (editenv.code === 0) {
    await runChecked(t, ['grub2-editenv', hostPath(t, env.path), 'set', `saved_entry=${id}`], `grub2-editenv ${env.path}`);
  } else {
    await t.writeFile(env.path, Buffer.from(setGrubenvVar(env.text, 'saved_entry', id), 'latin1'), { mode: mode && /^[0-7]{3,4}$/.test(mode) ? parseInt(mode, 8) : 0o644 });
  }
  return { did: `saved_entry=${id} in ${env.path}${editenv.code === 0 ? ' (grub2-editenv)' : ''}` };
}

// The ESP's disk and partition number, found as migrate2rocky's collect_system_info does (findmnt, lsblk
// kname/pkname, /sys/block/<disk>/<kname>/partition). Prints the disk and the partition on two lines
// (both empty for an md-raid or other virtual device); exit 3 without an ESP mounted at /boot/efi.
const ESP_SCRIPT = [
  'src=$(findmnt --mountpoint /boot/efi --output SOURCE --noheadings) || exit 3',
  'k=$(lsblk -dno kname "$src") || exit 4',
  'd=$(lsblk -dno pkname "/dev/$k" 2>/dev/null); p=',
  'if [ -n "$d" ]; then p=$(cat "/sys/block/$d/$k/partition" 2>/dev/null); fi',
  'printf "%s\\n%s\\n" "$d" "$p"',
].join('\n');

/** What the target's EFI boot needs on this host now (see planEfiRepair); undefined off live UEFI hosts. */
async function efiState(ctx: StepContext): Promise<{ repair?: EfiRepair; info?: EfiBootInfo; skipped?: string }> {
  const t = ctx.transport;
  if (t.root) return { skipped: 'installed root: no firmware' };
  const mgr = await t.run(['sh', '-c', 'command -v efibootmgr >/dev/null || exit 127; efibootmgr -v']);
  if (mgr.code !== 0) return { skipped: mgr.code === 127 ? 'efibootmgr is not installed' : `efibootmgr -v exited ${mgr.code}: ${mgr.stderr.trim()}` };
  const info = parseEfibootmgr(mgr.stdout);
  const [shims, esp, osr] = await Promise.all([
    t.run(rpmArgv(t, '-ql', 'shim-x64', 'shim-aa64', 'shim-ia32')),
    t.run(['sh', '-c', ESP_SCRIPT]),
    readOsRelease(t),
  ]);
  const [disk = '', partition = ''] = esp.code === 0 ? esp.stdout.split('\n') : [];
  const label = osr?.name ?? 'Linux';
  return { info, repair: planEfiRepair({ shimFiles: shims.stdout.split('\n'), efibootmgr: info, esp: esp.code === 0 ? { disk, partition } : undefined, label }) };
}

/** On a live UEFI host: regenerate the target's EFI grub.cfg and create its boot entry (see planEfiRepair). */
async function repairEfi(ctx: StepContext, did: string[], skipped: string[]): Promise<JsonValue> {
  const t = ctx.transport;
  const st = await efiState(ctx);
  if (!st.repair || !st.info) { skipped.push(`EFI: ${st.skipped ?? '?'}`); return { skipped: st.skipped ?? null }; }
  const r = st.repair;
  for (const sk of r.skipped) skipped.push(`EFI: ${sk}`);
  if (r.grubCfg && r.dir && await t.exists(r.dir)) {
    const current = await t.exists(r.grubCfg) ? (await t.readFile(r.grubCfg)).toString('utf8') : '';
    if (/^\s*configfile\s/m.test(current) && current.length < 1024) {
      skipped.push(`EFI: ${r.grubCfg} is a stub that loads /boot/grub2/grub.cfg (EL9 layout): left as it is`);
    } else {
      if (current !== '') await ctx.register(fileRestorable(r.grubCfg));
      await runChecked(t, ['grub2-mkconfig', '-o', r.grubCfg], `grub2-mkconfig -o ${r.grubCfg}`);
      did.push(`regenerated ${r.grubCfg}`);
    }
  }
  let created: string | null = null;
  if (r.create) {
    const out = await runChecked(t, r.create, r.create.join(' '));
    const label = r.create[r.create.indexOf('-L') + 1];
    created = parseEfibootmgr(out).entries.find((e) => e.label === label && !st.info?.entries.some((o) => o.bootnum === e.bootnum))?.bootnum ?? '?';
    did.push(`EFI boot entry Boot${created} "${label}" → ${r.create[r.create.length - 1]} (${r.create.join(' ')})`);
  }
  const { shims, currentIsShim } = shimStatus(st.info);
  return { current: st.info.current, order: st.info.order, currentIsShim, shims: shims.map((s) => ({ bootnum: s.bootnum, label: s.label, active: s.active, file: s.file })),
    targetDir: r.dir ?? null, existing: r.existing ?? null, created };
}

export function bootloaderStep(options: BootloaderOptions): Step<BootloaderOptions> {
  return defineStep<BootloaderOptions>({
    ...bootloaderKind.spec(options),
    describe: () => ['default boot entry: the newest target kernel (grubby on a live host, grubenv saved_entry on an installed root)',
      'grub2-mkconfig where a grub.cfg exists (live host)', options.bootMode === 'uefi' ? "UEFI: grub2-mkconfig of the target's EFI grub.cfg and an efibootmgr entry for the target's shim, unless one exists" : 'no EFI entry (BIOS or unknown boot mode)'],
    async apply(ctx) {
      const t = ctx.transport;
      const did: string[] = [];
      const skipped: string[] = [];
      const kver = await targetKernel(ctx, options.targetVendorOf);
      const vmlinuz = kver ? `/boot/vmlinuz-${kver}` : undefined;
      if (vmlinuz && !(await t.exists(vmlinuz))) skipped.push(`${vmlinuz} is missing: the kernel package ships no image here`);
      const entries = await readBlsEntries(t);
      const grubby = t.root ? { code: 1 } : await t.run(['sh', '-c', 'command -v grubby']);
      if (!kver) skipped.push('no kernel package installed');
      else if (entries === undefined) skipped.push('no BLS entries (/boot/loader/entries): nothing to point at the target kernel');
      else if (grubby.code === 0 && vmlinuz) {
        const env = await readGrubenv(t);
        if (env?.text !== undefined) await ctx.register(fileRestorable(env.path));
        await runChecked(t, ['grubby', '--set-default', vmlinuz], 'grubby --set-default');
        did.push(`default boot entry: ${vmlinuz} (grubby)`);
      } else {
        const entry = entries.find((e) => blsKernelRelease(e) === kver);
        if (!entry) {
          skipped.push(`no BLS entry for ${kver} in /boot/loader/entries: kernel-install did not run (run kernel-install add ${kver} /lib/modules/${kver}/vmlinuz)`);
        } else {
          const r = await setSavedEntry(ctx, entry.id);
          if (r.did) did.push(`default boot entry: ${r.did}`);
          if (r.skipped) skipped.push(r.skipped);
        }
      }
      if (!t.root) {
        const cfg = '/boot/grub2/grub.cfg';
        if (await t.exists(cfg)) {
          await ctx.register(fileRestorable(cfg));
          await runChecked(t, ['grub2-mkconfig', '-o', cfg], `grub2-mkconfig -o ${cfg}`);
          did.push(`regenerated ${cfg}`);
        }
      } else skipped.push(`installed root ${t.root}: grub2-mkconfig not run (it probes the running system's devices)`);
      const efi = options.bootMode === 'uefi' ? await repairEfi(ctx, did, skipped) : null;
      for (const l of [...did, ...skipped.map((s) => `skipped: ${s}`)]) ctx.output(l);
      if (efi) ctx.output(`EFI: ${JSON.stringify(efi)}`);
      await writeNote(ctx, { did, skipped, kernel: kver ?? null, efi });
    },
    async verify(ctx) {
      // On UEFI, some boot entry must load the target's shim once one could be created.
      if (options.bootMode === 'uefi') {
        const efi = await efiState(ctx);
        if (efi.repair?.create) return { ok: false, detail: `no EFI boot entry loads the target's shim: ${efi.repair.create.join(' ')} was not done` };
      }
      // The default entry boots the target kernel wherever there are BLS entries to choose from.
      const kver = await targetKernel(ctx, options.targetVendorOf);
      const def = await readBlsDefault(ctx.transport);
      if (!kver || def === undefined) return { ok: true, detail: 'no BLS entries or no kernel: nothing to check' };
      if (!ctx.transport.root && (await ctx.transport.run(['sh', '-c', 'command -v grubby'])).code === 0) {
        const g = await ctx.transport.run(['grubby', '--default-kernel']);
        return { ok: g.stdout.trim() === `/boot/vmlinuz-${kver}`, detail: `grubby --default-kernel: ${g.stdout.trim()}, want /boot/vmlinuz-${kver}` };
      }
      const got = def.entry ? blsKernelRelease(def.entry) : '(none)';
      return { ok: got === kver, detail: `default entry ${def.entry?.id ?? '(none)'} (${def.why}) boots ${got}, want ${kver}` };
    },
  });
}
