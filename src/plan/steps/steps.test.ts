// Each step kind's schema accepts what the recipe produces and refuses bad options at their JSON paths; ids
// are the content ids they were before the kinds moved here (existing plans and journals keep working).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseFacts } from '../../assess/testing/fixtures.js';
import { LAB_KEY, rockyPlan } from '../testing/fixtures.js';
import type { MigrationPlan } from '../types.js';
import { chooseSnapshot, STEP_KIND_NAMES, STEP_KINDS, type PlanStepSpec, type StepKindName } from './index.js';

function stepOf(plan: MigrationPlan, kind: StepKindName): PlanStepSpec {
  const s = plan.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step`);
  return s;
}

test('the same-major recipe composes every kind once, in order, each accepted by its kind\'s schema', () => {
  const plan = rockyPlan();
  // No snapshot: the fixture's facts do not show a Btrfs root (chooseSnapshot's cases below).
  assert.deepEqual(plan.steps.map((s) => s.kind), STEP_KIND_NAMES.filter((k) => k !== 'snapshot'));
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
  ];
  const withSnapshot = rockyPlan({ snapshot: { commands: { create: ['snap'], restore: ['snap', 'restore'], remove: ['snap', 'rm'] } } });
  cases.push(['snapshot', (o) => { o.provider = 'lvm'; }, ['/provider: must be equal to one of the allowed values (btrfs, command)']]);
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
    ['lvm root, auto', lvm, 'auto', 'note:no snapshot: / is on /dev/mapper/cs-root (LVM snapshots are not offered yet)'],
    ['lvm root, commands', lvm, { commands }, 'command'],
    ['no storage facts', undefined, 'auto', 'note:no snapshot: the facts do not show what holds /'],
  ];
  for (const [name, storage, request, want] of cases) {
    const got = chooseSnapshot({ ...baseFacts(), ...(storage ? { storage } : {}) }, request);
    assert.equal('options' in got ? got.options.provider : `note:${got.note}`.slice(0, want.length), want, name);
  }
  const kept = chooseSnapshot({ ...baseFacts(), storage: btrfs }, 'auto', 7 * 86400);
  assert.deepEqual(kept, { options: { provider: 'btrfs', commands: null, retentionSeconds: 604800 } }, 'the retention goes into the step');
  assert.deepEqual(chooseSnapshot({ ...baseFacts(), storage: btrfs }, 'auto'), { options: { provider: 'btrfs', commands: null, retentionSeconds: null } }, 'no retention: kept until ferry finish');
  const plan = rockyPlan({ snapshot: { commands } });
  assert.deepEqual(plan.steps.map((s) => s.kind).slice(0, 3), ['preflight', 'backup', 'snapshot'], 'the snapshot is taken before the first change');
  assert.ok(!plan.steps.find((s) => s.kind === 'snapshot')?.pointOfNoReturn);
});
