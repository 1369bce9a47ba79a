/**
 * Kernel and bootloader: make the newest installed target kernel the default boot entry (grubby, which
 * covers BLS entries on EL8), regenerate the grub configuration, and on UEFI make sure an EFI boot entry
 * points at the target's shim. Each part runs only where it is meaningful — on an installed root (image,
 * lab) there is no firmware and usually no boot loader config — and otherwise records why it was skipped.
 */
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { rpmArgv, writeNote } from './dnf.js';
import { runChecked } from '../journal.js';

export type BootloaderOptions = { bootMode: string; targetVendorOf: string | null };

async function newestKernel(ctx: StepContext): Promise<string | undefined> {
  const t = ctx.transport;
  const res = await t.run(rpmArgv(t, '-q', '--last', 'kernel-core'));
  const first = res.code === 0 ? res.stdout.split('\n')[0]?.split(/\s+/)[0] : undefined;
  return first?.replace(/^kernel-core-/, '');
}

export function bootloaderStep(options: BootloaderOptions): Step<BootloaderOptions> {
  return defineStep<BootloaderOptions>({
    kind: 'bootloader',
    title: 'Kernel and bootloader: default entry, grub config, BLS, EFI',
    options,
    describe: () => ['grubby --set-default <newest target kernel>', 'grub2-mkconfig where a grub.cfg exists', options.bootMode === 'uefi' ? 'efibootmgr entry for the target shim' : 'no EFI entry (BIOS or unknown boot mode)'],
    async apply(ctx) {
      const t = ctx.transport;
      const did: string[] = [];
      const skipped: string[] = [];
      const kver = await newestKernel(ctx);
      const vmlinuz = kver ? `/boot/vmlinuz-${kver}` : undefined;
      if (vmlinuz && !(await t.exists(vmlinuz))) skipped.push(`${vmlinuz} is missing: the kernel package ships no image here`);
      if (t.root) {
        skipped.push(`installed root ${t.root}: no firmware or running boot loader; the target kernel ${kver ?? '(none)'} is installed, boot entries are written by kernel-install on a real boot`);
      } else {
        const grubby = await t.run(['sh', '-c', 'command -v grubby']);
        if (grubby.code === 0 && vmlinuz && await t.exists('/boot/loader/entries')) {
          await runChecked(t, ['grubby', '--set-default', vmlinuz], 'grubby --set-default');
          did.push(`default boot entry: ${vmlinuz}`);
        } else skipped.push('no grubby or no BLS entries (/boot/loader/entries)');
        for (const cfg of ['/boot/grub2/grub.cfg', '/boot/efi/EFI/centos/grub.cfg']) {
          if (await t.exists(cfg)) {
            await runChecked(t, ['grub2-mkconfig', '-o', cfg], `grub2-mkconfig -o ${cfg}`);
            did.push(`regenerated ${cfg}`);
          }
        }
        if (options.bootMode === 'uefi') skipped.push('EFI entry: the target shim package (shim-x64) writes its own entry on install; efibootmgr not run');
      }
      for (const l of [...did, ...skipped.map((s) => `skipped: ${s}`)]) ctx.output(l);
      await writeNote(ctx, { did, skipped, kernel: kver ?? null });
    },
  });
}
