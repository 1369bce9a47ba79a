// Boot configuration parsers: BLS entries, the GRUB environment block, the default entry, efibootmgr -v.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { blsKernelPath, blsKernelRelease, defaultBlsEntry, parseBlsEntry, parseEfibootmgr, parseGrubenv, planEfiRepair, setGrubenvVar, shimStatus } from './boot.js';
import { isFerryError } from '../core/index.js';

// `efibootmgr -v` output as captured on a QEMU/OVMF CentOS 8 guest, kept as test data by convert2rhel:
// oamg/convert2rhel, convert2rhel/unit_tests/grub_test.py, EFIBOOTMGR_VERBOSE_OUTPUT and
// EFIBOOTMGR_VERBOSE_HEX_ONLY_BOOT_ORDER_OUTPUT (commit 1776edb485fec436505cc51fd6c28df93b9f818b).
const EFIBOOTMGR_CENTOS = [
  'BootCurrent: 0004',
  'Timeout: 0 seconds',
  'BootOrder: 0004,0002,0000,0003',
  'Boot0000* UiApp\tFvVol(7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1)/FvFile(462caa21-7614-4503-836e-8ab6f4662331)',
  'Boot0002* UEFI Misc Device\tPciRoot(0x0)/Pci(0x2,0x3)/Pci(0x0,0x0)N.....YM....R,Y.',
  'Boot0003* EFI Internal Shell\tFvVol(7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1)/FvFile(7c04a583-9e3e-4f1c-ad65-e05268d0b4d1)',
  'Boot0004* CentOS Linux\tHD(1,GPT,714e014a-5636-47b0-a8a7-b5109bfe895c,0x800,0x12c000)/File(\\EFI\\centos\\shimx64.efi)',
  '',
].join('\n');
const EFIBOOTMGR_HEX_ORDER = [
  'BootCurrent: 000A',
  'Timeout: 0 seconds',
  'BootOrder: 000A',
  'Boot000A* CentOS Linux\tHD(1,GPT,714e014a-5636-47b0-a8a7-b5109bfe895c,0x800,0x12c000)/File(\\EFI\\centos\\shimx64.efi)',
  '',
].join('\n');

test('efibootmgr -v: current entry, order, labels, loader files; the shim entry is found and is the current one', () => {
  const info = parseEfibootmgr(EFIBOOTMGR_CENTOS);
  assert.equal(info.current, '0004');
  assert.deepEqual(info.order, ['0004', '0002', '0000', '0003']);
  assert.deepEqual(info.entries.map((e) => [e.bootnum, e.label, e.active, e.file]), [
    ['0000', 'UiApp', true, null],
    ['0002', 'UEFI Misc Device', true, null],
    ['0003', 'EFI Internal Shell', true, null],
    ['0004', 'CentOS Linux', true, '/EFI/centos/shimx64.efi'],
  ]);
  const st = shimStatus(info);
  assert.deepEqual(st.shims.map((s) => s.bootnum), ['0004']);
  assert.equal(st.currentIsShim, true);
  const hex = parseEfibootmgr(EFIBOOTMGR_HEX_ORDER);
  assert.equal(hex.current, '000A');
  assert.deepEqual(hex.order, ['000A']);
  assert.equal(shimStatus(hex).currentIsShim, true);
  // Booted from the firmware shell, not the shim: reported as such.
  assert.equal(shimStatus(parseEfibootmgr(EFIBOOTMGR_CENTOS.replace('BootCurrent: 0004', 'BootCurrent: 0003'))).currentIsShim, false);
  assert.deepEqual(parseEfibootmgr(''), { current: null, order: [], entries: [] });
});

// As EL8's kernel-install writes an entry (/usr/lib/kernel/install.d/20-grub.install), separate /boot.
const ENTRY = 'title CentOS Linux (4.18.0-193.el8.x86_64) 8 (Core)\nversion 4.18.0-193.el8.x86_64\nlinux /vmlinuz-4.18.0-193.el8.x86_64\n' +
  'initrd /initramfs-4.18.0-193.el8.x86_64.img $tuned_initrd\noptions $kernelopts $tuned_params\nid centos-20200615213934-4.18.0-193.el8.x86_64\n' +
  'grub_users $grub_users\ngrub_arg --unrestricted\ngrub_class kernel\n';

test('BLS entry: title, version, linux; the kernel path below /boot with or without a separate partition', () => {
  const e = parseBlsEntry('abc-4.18.0-193.el8.x86_64', ENTRY);
  assert.deepEqual(e, { id: 'abc-4.18.0-193.el8.x86_64', title: 'CentOS Linux (4.18.0-193.el8.x86_64) 8 (Core)', version: '4.18.0-193.el8.x86_64', linux: '/vmlinuz-4.18.0-193.el8.x86_64' });
  assert.equal(blsKernelPath(e), '/boot/vmlinuz-4.18.0-193.el8.x86_64');
  assert.equal(blsKernelPath({ ...e, linux: '/boot/vmlinuz-4.18.0-193.el8.x86_64' }), '/boot/vmlinuz-4.18.0-193.el8.x86_64');
  assert.equal(blsKernelRelease(e), '4.18.0-193.el8.x86_64');
});

test('default BLS entry: saved_entry when it names an entry, else the newest version (rpm order, not string order)', () => {
  const mk = (kver: string): ReturnType<typeof parseBlsEntry> => parseBlsEntry(`m-${kver}`, ENTRY.replaceAll('4.18.0-193.el8.x86_64', kver));
  const entries = [mk('4.18.0-193.el8.x86_64'), mk('4.18.0-305.12.1.el8_4.x86_64'), mk('4.18.0-80.el8.x86_64')];
  assert.equal(defaultBlsEntry(entries, 'm-4.18.0-193.el8.x86_64').entry?.id, 'm-4.18.0-193.el8.x86_64');
  assert.equal(defaultBlsEntry(entries, undefined).entry?.id, 'm-4.18.0-305.12.1.el8_4.x86_64');
  const stale = defaultBlsEntry(entries, 'm-3.10.0-1127.el7.x86_64');
  assert.equal(stale.entry?.id, 'm-4.18.0-305.12.1.el8_4.x86_64');
  assert.match(stale.why, /names no entry/);
  assert.equal(defaultBlsEntry([], 'x').entry, undefined);
});

test('grubenv: set keeps the other variables and the 1024-byte size; refuses a non-grubenv, overflow and unsafe values', () => {
  const body = '# GRUB Environment Block\nsaved_entry=old\nkernelopts=root=/dev/mapper/cl-root ro\nboot_success=0\n';
  const block = body + '#'.repeat(1024 - body.length);
  const next = setGrubenvVar(block, 'saved_entry', 'm-4.18.0-305.12.1.el8_4.x86_64');
  assert.equal(Buffer.byteLength(next), 1024);
  assert.deepEqual([...(parseGrubenv(next) ?? [])], [['saved_entry', 'm-4.18.0-305.12.1.el8_4.x86_64'], ['kernelopts', 'root=/dev/mapper/cl-root ro'], ['boot_success', '0']]);
  assert.ok(next.endsWith('#'));
  const fresh = setGrubenvVar(undefined, 'saved_entry', 'x');
  assert.equal(fresh, '# GRUB Environment Block\nsaved_entry=x\n' + '#'.repeat(1024 - 39));
  assert.equal(parseGrubenv('not a grubenv'), undefined);
  assert.throws(() => setGrubenvVar('garbage', 'saved_entry', 'x'), (e) => isFerryError(e, 'STEP_FAILED'));
  assert.throws(() => setGrubenvVar(block, 'saved_entry', 'a\nb'), (e) => isFerryError(e, 'USAGE'));
  assert.throws(() => setGrubenvVar(block, 'saved_entry', 'x'.repeat(1000)), (e) => isFerryError(e, 'STEP_FAILED'));
});

// shim-x64's file list as a real repository carries it: CentOS Stream 9 BaseOS (2022-02-07) filelists.xml.
const BASEOS = ['repodata', 'cs9-baseos-20220207', 'repodata'];
function shimFiles(): string[] {
  const dir = sharedPath(...BASEOS);
  const xml = gunzipSync(readFileSync(`${dir}/${readdirSync(dir).find((f) => f.endsWith('-filelists.xml.gz'))}`)).toString('utf8');
  const block = /<package [^>]*name="shim-x64"[^>]*>([\s\S]*?)<\/package>/.exec(xml)?.[1] ?? '';
  return [...block.matchAll(/<file>([^<]+)<\/file>/g)].map((m) => m[1]);
}

test('planEfiRepair: the target shim\'s directory, its grub.cfg, and an efibootmgr entry only when none loads it (migrate2rocky fix_efi)', { skip: skipUnlessShared(...BASEOS) }, () => {
  const centos = shimFiles();
  assert.ok(centos.includes('/boot/efi/EFI/centos/shimx64.efi') && centos.includes('/boot/efi/EFI/BOOT/BOOTX64.EFI'), 'real shim-x64 layout');
  const info = parseEfibootmgr(EFIBOOTMGR_CENTOS);
  const esp = { disk: 'vda', partition: '1' };
  // The CentOS shim itself: Boot0004 already loads it; nothing to create, grub.cfg in EFI/centos.
  const same = planEfiRepair({ shimFiles: centos, efibootmgr: info, esp, label: 'CentOS Stream' });
  assert.deepEqual([same.dir, same.grubCfg, same.existing, same.create], ['/boot/efi/EFI/centos', '/boot/efi/EFI/centos/grub.cfg', '0004', undefined]);
  // The same package layout under the target's directory (as Rocky's shim-x64 ships it): a new entry.
  const rocky = centos.map((f) => f.replace('/EFI/centos/', '/EFI/rocky/').replace('-centos.efi', '-rocky.efi'));
  const r = planEfiRepair({ shimFiles: rocky, efibootmgr: info, esp, label: 'Rocky Linux' });
  assert.equal(r.grubCfg, '/boot/efi/EFI/rocky/grub.cfg');
  assert.deepEqual(r.create, ['efibootmgr', '-c', '-d', '/dev/vda', '-p', '1', '-L', 'Rocky Linux', '-l', '\\EFI\\rocky\\shimx64.efi']);
  // Once created, a rerun finds it (case-insensitive, as FAT is): idempotent.
  const after = parseEfibootmgr(`${EFIBOOTMGR_CENTOS}Boot0005* Rocky Linux\tHD(1,GPT,714e014a-5636-47b0-a8a7-b5109bfe895c,0x800,0x12c000)/File(\\EFI\\ROCKY\\SHIMX64.EFI)\n`);
  assert.equal(planEfiRepair({ shimFiles: rocky, efibootmgr: after, esp, label: 'Rocky Linux' }).existing, '0005');
  // An ESP on md-raid (no parent disk): no guess, the command to run by hand is named.
  const raid = planEfiRepair({ shimFiles: rocky, efibootmgr: info, esp: { disk: '', partition: '' }, label: 'Rocky Linux' });
  assert.equal(raid.create, undefined);
  assert.match(raid.skipped.join(), /md-raid.*efibootmgr -c -d \/dev\/<disk> -p <partition> -L "Rocky Linux"/);
  // No shim package: nothing to point at.
  const none = planEfiRepair({ shimFiles: ['package shim-x64 is not installed'], efibootmgr: info, esp, label: 'Rocky Linux' });
  assert.deepEqual([none.dir, none.create], [undefined, undefined]);
  assert.match(none.skipped.join(), /no shim package/);
});
