import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../core/index.js';
import type { RunResult, Transport } from '../transport/types.js';
import { awaitReboot, judgeReturn, rebootConfig, switchableTransport, type HostIdentity } from './reboot.js';
import { pendingReboot } from './reboot-boundary.js';
import type { JournalEntry, JournalEvent } from './types.js';

const A: HostIdentity = { bootId: 'aaaaaaaa-0000-0000-0000-000000000001', machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', hostKey: 'SHA256:k1' };

test('judgeReturn: a new boot of the same host, the same boot, another host', () => {
  const rows: [string, HostIdentity, 'rebooted' | 'same-boot' | RegExp][] = [
    ['new boot id', { ...A, bootId: 'bbbbbbbb-0000-0000-0000-000000000002' }, 'rebooted'],
    ['same boot id', A, 'same-boot'],
    ['machine id changed', { ...A, bootId: 'bbbbbbbb-0000-0000-0000-000000000002', machineId: 'ffffffffffffffffffffffffffffffff' }, /h1 came back with machine id ffff/],
    ['host key changed', { ...A, bootId: 'bbbbbbbb-0000-0000-0000-000000000002', hostKey: 'SHA256:k2' }, /h1 came back with host key SHA256:k2, not SHA256:k1/],
  ];
  for (const [name, after, want] of rows) {
    if (typeof want === 'string') assert.equal(judgeReturn('h1', A, after), want, name);
    else assert.throws(() => judgeReturn('h1', A, after), (e: unknown) => isFerryError(e, 'REBOOT_HOST_CHANGED') && want.test(e.message), name);
  }
});

const entry = (e: JournalEvent, seq: number): JournalEntry => ({ ...e, v: 1, seq, at: '2026-01-01T00:00:00Z', executionId: 'mig-x' });

test('pendingReboot: the last request without a return after it', () => {
  const req: JournalEvent = { event: 'reboot', phase: 'requested', bootId: A.bootId, machineId: A.machineId };
  const ret: JournalEvent = { event: 'reboot', phase: 'returned', bootId: 'b' };
  const rows: [string, JournalEvent[], HostIdentity | undefined][] = [
    ['none', [{ event: 'rollback', phase: 'start' }], undefined],
    ['requested', [{ event: 'rollback', phase: 'start' }, req], { bootId: A.bootId, machineId: A.machineId }],
    ['returned', [req, ret], undefined],
    ['requested again', [req, ret, { event: 'reboot', phase: 'requested', bootId: 'c', machineId: A.machineId }], { bootId: 'c', machineId: A.machineId }],
  ];
  for (const [name, events, want] of rows) assert.deepEqual(pendingReboot(events.map(entry)), want, name);
});

/** A fake host connection answering `cat` of the boot and machine id files (or failing to connect). */
function fakeHost(bootId: string, opts: { hostKey?: string } = {}): Transport {
  const unused = (): Promise<never> => Promise.reject(new Error('not used by the wait'));
  async function run(argv: readonly string[], o: { encoding: 'buffer' }): Promise<RunResult<Buffer>>;
  async function run(argv: readonly string[], o?: { encoding?: 'utf8' }): Promise<RunResult<string>>;
  async function run(argv: readonly string[], o?: { encoding?: 'utf8' | 'buffer' }): Promise<RunResult<string> | RunResult<Buffer>> {
    const text = argv.at(-1)?.includes('boot') ? bootId : (A.machineId);
    return o?.encoding === 'buffer' ? { code: 0, stdout: Buffer.from(text), stderr: '', truncated: false } : { code: 0, stdout: text, stderr: '', truncated: false };
  }
  return {
    kind: 'ssh', root: undefined, hostName: 'h1', hostKeyFingerprint: opts.hostKey ?? A.hostKey, run,
    readFile: unused, writeFile: unused, exists: unused, upload: unused, close: () => Promise.resolve(), describe: () => 'ssh h1',
  };
}

test('awaitReboot: reconnects with backoff until a new boot answers, and switches the transport to it', async () => {
  const t = switchableTransport(fakeHost(A.bootId));
  const answers: (() => Promise<Transport>)[] = [
    () => Promise.reject(new Error('connect ECONNREFUSED')),
    () => Promise.resolve(fakeHost(A.bootId)),
    () => Promise.resolve(fakeHost('bbbbbbbb-0000-0000-0000-000000000002')),
  ];
  const slept: number[] = [];
  let clock = 0;
  const lines: string[] = [];
  const back = await awaitReboot({
    transport: t, connect: () => answers.shift()!(), config: rebootConfig({ bootIdFile: '/run/boot', backoffMs: 100, maxBackoffMs: 250 }), output: (l) => lines.push(l),
    sleep: (ms) => { slept.push(ms); clock += ms; return Promise.resolve(); }, now: () => clock,
  }, A);
  assert.equal(back.bootId, 'bbbbbbbb-0000-0000-0000-000000000002');
  assert.deepEqual(slept, [100, 200, 250], 'first try on the old connection, then three reconnects');
  assert.equal(t.hostKeyFingerprint, A.hostKey);
  assert.equal(await t.current().run(['cat', '--', '/run/boot']).then((r) => r.stdout), 'bbbbbbbb-0000-0000-0000-000000000002', 'the transport now reaches the new boot');
  assert.match(lines.at(-1) ?? '', /h1 is back: boot bbbbbbbb/);
});

test('awaitReboot: a host that never returns is REBOOT_TIMEOUT naming it and the timeout; another host key is refused at once', async () => {
  let clock = 0;
  const base = { output: () => undefined, sleep: (ms: number) => { clock += ms; return Promise.resolve(); }, now: () => clock };
  await assert.rejects(awaitReboot({ ...base, transport: switchableTransport(fakeHost(A.bootId)), connect: () => Promise.reject(new Error('connect ETIMEDOUT')), config: rebootConfig({ timeoutMs: 30_000 }) }, A),
    (e: unknown) => isFerryError(e, 'REBOOT_TIMEOUT') && /h1 did not come back from its reboot within 30 s \(last attempt: connect ETIMEDOUT\)/.test(e.message) && /run the command again/.test(e.hint ?? ''));
  clock = 0;
  await assert.rejects(awaitReboot({ ...base, transport: switchableTransport(fakeHost(A.bootId, { hostKey: 'SHA256:other' })), connect: () => Promise.reject(new Error('unused')), config: rebootConfig() }, A),
    (e: unknown) => isFerryError(e, 'REBOOT_HOST_CHANGED'));
});
