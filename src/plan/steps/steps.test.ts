// Each step kind's schema accepts what the recipe produces and refuses bad options at their JSON paths; ids
// are the content ids they were before the kinds moved here (existing plans and journals keep working).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseFacts } from '../../assess/testing/fixtures.js';
import { isFerryError } from '../../core/index.js';
import { parseStorage } from '../../facts/sections/storage.js';
import { LAB_KEY, rockyPlan } from '../testing/fixtures.js';
import type { MigrationPlan } from '../types.js';
import { chooseSnapshot, STEP_KIND_NAMES, STEP_KINDS, type PlanStepSpec, type StepKindName } from './index.js';

/** Kinds only the cross-major recipe uses. */
const CROSS_MAJOR_ONLY: readonly StepKindName[] = ['download-packages', 'reboot', 'rpmdb-rebuild', 'upgrade-transaction', 'finalize'];

function stepOf(plan: MigrationPlan, kind: StepKindName): PlanStepSpec {
  const s = plan.steps.find((x) => x.kind === kind);
  if (!s && CROSS_MAJOR_ONLY.includes(kind)) {
    // The cross-major kinds, with the options the cross-major recipe gives them (the same-major plan's dnf env).
    const sync = plan.steps.find((x) => x.kind === 'distro-sync');
    assert.ok(sync?.kind === 'distro-sync');
    const tx = { remove: ['centos-release'], install: ['rocky-release'], dnf: sync.options.dnf };
    const specs: PlanStepSpec[] = [STEP_KINDS['download-packages'].spec({ ...tx, allowRemove: [], keyring: [] }), STEP_KINDS.reboot.spec({ into: 'interim' }),
      STEP_KINDS['rpmdb-rebuild'].spec({ from: 'bdb' }), STEP_KINDS['upgrade-transaction'].spec(tx), STEP_KINDS.finalize.spec({ rpmdbRebuild: true, autorelabel: false })];
    const found = specs.find((x) => x.kind === kind);
    assert.ok(found);
    for (const x of specs) assert.deepEqual(STEP_KINDS[x.kind].validator.errors(x.options), [], x.kind);
    return found;
  }
  assert.ok(s, `no ${kind} step`);
  return s;
}

test('the same-major recipe composes every kind once, in order, each accepted by its kind\'s schema', () => {
  const plan = rockyPlan();
  // No snapshot: the fixture's facts do not show a Btrfs root (chooseSnapshot's cases below). The cross-major
  // recipe's own kinds are in src/plan/build.test.ts.
  assert.deepEqual(plan.steps.map((s) => s.kind), STEP_KIND_NAMES.filter((k) => k !== 'snapshot' && !CROSS_MAJOR_ONLY.includes(k)));
  for (const s of plan.steps) assert.deepEqual(STEP_KINDS[s.kind].validator.errors(s.options), [], s.kind);
  assert.deepEqual(plan.steps.filter((s) => s.pointOfNoReturn).map((s) => s.kind), ['distro-sync']);
});

test('content ids are unchanged for the same options (pinned from the plan builder before the kinds had files)', () => {
  const plan = rockyPlan();
  assert.equal(plan.id, 'plan-8b7549b5d94a9069');
  assert.deepEqual(plan.steps.map((s) => `${s.kind} ${s.id}`), [
    'preflight step-5c90ae18af1df8c1', 'backup step-6c4b1f593163ab2d', 'disable-repos step-9bfe0129fabd944b',
    'import-gpg-keys step-2b4d78d2c61627e5', 'swap-vendor-packages step-1af2413d43252670', 'module-streams step-eb6a79bda55bab9d',
    'distro-sync step-fcc844811e636a00', 'bootloader step-01882478bb536a56', 'remove-source-keys step-8d3532ec3749938d', 'verify step-1842a6cb51d2996b',
  ]);
  assert.equal(stepOf(plan, 'disable-repos').title, 'Disable the centos-8 repositories');
  assert.equal(STEP_KINDS['disable-repos'].title({ repoIds: [], ownedBySwap: [] }), 'Disable the source repositories');
});

test('each kind\'s schema refuses bad options with their JSON paths', () => {
  const plan = rockyPlan();
  // [kind, change to the recipe's options, the errors expected (path: message)]
  const cases: [StepKindName, (o: Record<string, unknown>) => void, string[]][] = [
    ['preflight', (o) => { o.diskMiB = { '/var': '5' }; }, ['/diskMiB/~1var: must be number']],
    ['preflight', (o) => { o.diskMiB = { 'var': 5 }; }, ['/diskMiB: must match pattern "^/"', '/diskMiB: property name must be valid']],
    ['preflight', (o) => { (o.dnf as { repos: unknown[] }).repos = [{ id: 'r', baseurl: 7 }]; }, ['/dnf/repos/0/baseurl: must be string']],
    ['backup', (o) => { o.files = ['etc/os-release']; }, ['/files/0: must match pattern "^/"']],
    ['backup', (o) => { delete o.dirs; }, ["/: must have required property 'dirs'"]],
    ['disable-repos', (o) => { o.repoIds = 'BaseOS'; }, ['/repoIds: must be array']],
    ['import-gpg-keys', (o) => { o.keys = [{ ...LAB_KEY, fingerprints: ['6D745A60'] }]; }, ['/keys/0/fingerprints/0: must match pattern "^[0-9A-Fa-f]{40}$"']],
    ['swap-vendor-packages', (o) => { o.install = []; }, ['/install: must NOT have fewer than 1 items']],
    ['swap-vendor-packages', (o) => { o.extra = true; }, ['/: must NOT have additional properties (extra)']],
    ['module-streams', (o) => { o.modules = [{ name: 'nodejs' }]; }, ["/modules/0: must have required property 'stream'"]],
    ['distro-sync', (o) => { (o.dnf as Record<string, unknown>).gpgcheck = 'yes'; }, ['/dnf/gpgcheck: must be boolean']],
    ['bootloader', (o) => { o.bootMode = 'legacy'; }, ['/bootMode: must be equal to one of the allowed values (uefi, bios, unknown)']],
    ['bootloader', (o) => { o.targetVendorOf = undefined; }, ["/: must have required property 'targetVendorOf'"]],
    ['remove-source-keys', (o) => { o.rpmNames = ['rm -rf /']; }, ['/rpmNames/0: must match pattern "^gpg-pubkey-[0-9a-f]+$"']],
    ['verify', (o) => { o.sourceVendor = 1; }, ['/sourceVendor: must be string']],
    ['download-packages', (o) => { o.install = ['']; }, ['/install/0: must NOT have fewer than 1 characters']],
    ['reboot', (o) => { o.into = 'rescue'; }, ['/into: must be equal to one of the allowed values (interim, target)']],
    ['rpmdb-rebuild', (o) => { o.from = 'berkeley'; }, ['/from: must be equal to one of the allowed values (bdb, sqlite, ndb, unknown)']],
    ['upgrade-transaction', (o) => { delete o.remove; }, ["/: must have required property 'remove'"]],
    ['finalize', (o) => { o.rpmdbRebuild = 'yes'; }, ['/rpmdbRebuild: must be boolean']],
  ];
  const withSnapshot = rockyPlan({ snapshot: { commands: { create: ['snap'], restore: ['snap', 'restore'], remove: ['snap', 'rm'] } } });
  cases.push(['snapshot', (o) => { o.provider = 'zfs'; }, ['/provider: must be equal to one of the allowed values (btrfs, lvm, command)']]);
  cases.push(['snapshot', (o) => { o.volumes = [{ lv: 'cl/root; rm -rf /', mount: '/', fstype: 'xfs' }]; }, ['/volumes/0/lv: must match pattern "^[A-Za-z0-9+_.-]+/[A-Za-z0-9+_.-]+$"']]);
  cases.push(['snapshot', (o) => { (o.commands as { create: string[] }).create = []; }, ['/commands/create: must NOT have fewer than 1 items']]);
  for (const [kind, change, want] of cases) {
    const options = structuredClone(stepOf(kind === 'snapshot' ? withSnapshot : plan, kind).options) as Record<string, unknown>;
    change(options);
    const got = STEP_KINDS[kind].validator.errors(JSON.parse(JSON.stringify(options))).map((e) => `${e.path || '/'}: ${e.message}`);
    assert.deepEqual(got.sort(), [...want].sort(), `${kind}: ${JSON.stringify(options).slice(0, 200)}`);
  }
  assert.ok(new Set(cases.map(([k]) => k)).size === STEP_KIND_NAMES.length, 'a bad-options case for every kind');
});

test('every option of every kind is required (a plan names each, so a missing one is a damaged plan)', () => {
  for (const kind of STEP_KIND_NAMES) {
    const schema = STEP_KINDS[kind].schema;
    assert.deepEqual([...schema.required].sort(), Object.keys(schema.properties).sort(), kind);
  }
});

test('chooseSnapshot: the operator\'s commands, else Btrfs when the facts show a Btrfs root, else none with the reason', () => {
  const btrfs = { mounts: [{ path: '/', fstype: 'btrfs', source: '/dev/vda2', fsroot: '/root' }] };
  const lvm = { mounts: [{ path: '/', fstype: 'xfs', source: '/dev/mapper/cs-root', fsroot: '/' }] };
  const commands = { create: ['snap'], restore: ['snap', 'restore'], remove: ['snap', 'rm'] };
  const cases: [string, Parameters<typeof chooseSnapshot>[0]['storage'], Parameters<typeof chooseSnapshot>[1], string][] = [
    ['btrfs root, auto', btrfs, 'auto', 'btrfs'],
    ['btrfs root, none', btrfs, 'none', 'note:no snapshot (--snapshot none)'],
    ['lvm root without lvs facts, auto', lvm, 'auto', 'note:no snapshot: / is on /dev/mapper/cs-root, but the facts hold no lvs report (lvm2 not installed?)'],
    ['lvm root, commands', lvm, { commands }, 'command'],
    ['no storage facts', undefined, 'auto', 'note:no snapshot: the facts do not show what holds /'],
  ];
  for (const [name, storage, request, want] of cases) {
    const got = chooseSnapshot({ ...baseFacts(), ...(storage ? { storage } : {}) }, request);
    assert.equal('options' in got ? got.options.provider : `note:${got.note}`.slice(0, want.length), want, name);
  }
  const kept = chooseSnapshot({ ...baseFacts(), storage: btrfs }, 'auto', 7 * 86400);
  assert.deepEqual(kept, { options: { provider: 'btrfs', commands: null, retentionSeconds: 604800, volumes: null } }, 'the retention goes into the step');
  assert.deepEqual(chooseSnapshot({ ...baseFacts(), storage: btrfs }, 'auto'), { options: { provider: 'btrfs', commands: null, retentionSeconds: null, volumes: null } }, 'no retention: kept until ferry finish');
  const plan = rockyPlan({ snapshot: { commands } });
  assert.deepEqual(plan.steps.map((s) => s.kind).slice(0, 3), ['preflight', 'backup', 'snapshot'], 'the snapshot is taken before the first change');
  assert.ok(!plan.steps.find((s) => s.kind === 'snapshot')?.pointOfNoReturn);
});

test('chooseSnapshot on LVM: the storage facts\' lvs/vgs (captured Ghaf lvs) choose the LVs of / and /boot, or refuse with the VG\'s figures', () => {
  const lvs = readFileSync(join(import.meta.dirname, '..', '..', 'exec', 'snapshots', 'fixtures', 'lvs-ghaf-captured.json'), 'utf8');
  // The vgs figures are this test's (the captured host printed none): 60 GiB free, then 40 GiB.
  const vgs = (free: number): string => JSON.stringify({ report: [{ vg: [{ vg_name: 'pool', vg_size: '1000204886016', vg_free: String(free), vg_extent_size: '4194304' }] }] });
  const findmnt = (path: string, source: string, fstype: string): string => `${path}\t{"filesystems": [{"source": "${source}", "fstype": "${fstype}", "fsroot": "/"}]}`;
  const storage = (free: number, boot: string): ReturnType<typeof parseStorage> => parseStorage([
    findmnt('/', '/dev/mapper/pool-root_empty', 'xfs'), findmnt('/boot', boot, 'ext4'), `lvs\t${lvs.replaceAll('\n', '')}`, `vgs\t${vgs(free)}`,
  ].join('\n'));
  const choose = (s: ReturnType<typeof parseStorage>): ReturnType<typeof chooseSnapshot> => chooseSnapshot({ ...baseFacts(), storage: s }, 'auto');
  assert.deepEqual(choose(storage(60 * 2 ** 30, '/dev/mapper/pool-root_empty')), { options: { provider: 'lvm', commands: null, retentionSeconds: null, volumes: [{ lv: 'pool/root_empty', mount: '/', fstype: 'xfs' }] } }, '/boot on the root filesystem: / alone');
  assert.match(String((choose(storage(60 * 2 ** 30, '/dev/nvme0n1p1')) as { note?: string }).note), /^no snapshot: \/ is on \/dev\/mapper\/pool-root_empty but \/boot is ext4 on \/dev\/nvme0n1p1, not a logical volume/, '/boot a partition: no LVM snapshot');
  assert.deepEqual(choose(storage(60 * 2 ** 30, '/dev/mapper/pool-verity_empty')), { options: { provider: 'lvm', commands: null, retentionSeconds: null, volumes: [{ lv: 'pool/root_empty', mount: '/', fstype: 'xfs' }, { lv: 'pool/verity_empty', mount: '/boot', fstype: 'ext4' }] } });
  assert.throws(() => choose(storage(40 * 2 ** 30, '/dev/mapper/pool-root_empty')), (e: unknown) => isFerryError(e, 'SNAPSHOT_NO_SPACE') && /volume group pool of test has 40960 MiB free, but .* need 51200 MiB/.test(e.message) && /--snapshot none/.test(e.hint ?? ''));
  assert.deepEqual(chooseSnapshot({ ...baseFacts(), storage: storage(40 * 2 ** 30, '/dev/mapper/pool-root_empty') }, 'none'), { note: 'no snapshot (--snapshot none): rollback is refused past the point of no return' }, '--snapshot none: no refusal');
  const broken = parseStorage(`${findmnt('/', '/dev/mapper/pool-root_empty', 'xfs')}\nlvs\t{"report": [{"lv": [{"lv_name": "root"}]}]}\nvgs\t${vgs(0)}`);
  assert.match(String((chooseSnapshot({ ...baseFacts(), storage: broken }, 'auto') as { note: string }).note), /its lvm2 reports could not be read \(lvs --reportformat json: field vg_name is missing/);
  const other = parseStorage(`${findmnt('/', '/dev/mapper/luks-0a1b', 'xfs')}\nlvs\t${lvs.replaceAll('\n', '')}\nvgs\t${vgs(0)}`);
  assert.match(String((chooseSnapshot({ ...baseFacts(), storage: other }, 'auto') as { note: string }).note), /\/dev\/mapper\/luks-0a1b, which lvs does not show as a logical volume/);
});
