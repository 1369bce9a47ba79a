/** Kernel and bootloader (src/exec/steps/bootloader.ts): default entry, grub config, BLS, EFI. */
import type { BootMode } from '../../facts/types.js';
import { defineStepKind } from './kind.js';

export type BootloaderOptions = {
  bootMode: BootMode;
  /** A target package whose vendor names the target's kernels (the release package); null: the newest kernel. */
  targetVendorOf: string | null;
};

export const bootloaderKind = defineStepKind<'bootloader', BootloaderOptions>({
  kind: 'bootloader',
  title: () => 'Kernel and bootloader: default entry, grub config, BLS, EFI',
  schema: {
    type: 'object',
    properties: {
      bootMode: { type: 'string', enum: ['uefi', 'bios', 'unknown'] },
      targetVendorOf: { type: 'string', minLength: 1, nullable: true },
    },
    required: ['bootMode', 'targetVendorOf'],
    additionalProperties: false,
  },
});
