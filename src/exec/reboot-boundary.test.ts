import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/local.js';
import { readJournal } from './journal.js';
import { rebootConfig, switchableTransport, type RebootConfig } from './reboot.js';
import { defineStep, runPlan, status } from './runner.js';
import type { PlanLike } from './types.js';

const base = mkdtempSync(join(tmpdir(), 'ferry-reboot-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A root, boot and machine id files (the boundary reads them unprefixed, as a host's kernel files), and a plan whose middle step ends in a reboot. */
function fixture(): { root: string; bootFile: string; applies: string[]; plan: PlanLike; config: (o: Partial<RebootConfig>) => RebootConfig } {
  const dir = join(base, String(++n));
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const bootFile = join(dir, 'boot_id');
  const machineFile = join(dir, 'machine-id');
  writeFileSync(bootFile, `${randomUUID()}\n`);
  writeFileSync(machineFile, '3d1219c7c4c5404aaa1f6d2a48adfda4\n');
  const applies: string[] = [];
  const step = (name: string, endsInReboot: boolean) => defineStep({ kind: `test-${name}`, options: { name }, title: name, ...(endsInReboot ? { endsInReboot } : {}), apply: () => { applies.push(name); return Promise.resolve(); } });
  const plan = { id: `plan-reboot-${n}`, steps: [step('before', false), step('upgrade', true), step('after', false)] };
  const config = (o: Partial<RebootConfig>): RebootConfig => rebootConfig({ bootIdFile: bootFile, machineIdFile: machineFile, backoffMs: 20, maxBackoffMs: 50, attemptTimeoutMs: 2000, ...o });
  return { root, bootFile, applies, plan, config };
}

const REBOOTS = (file: string): string[] => ['sh', '-c', 'cat /proc/sys/kernel/random/uuid > "$1"', 'sh', file];

test('a step that ends in a reboot: request journaled with the boot id before, the new boot awaited, then the next step', async () => {
  const f = fixture();
  const transport = switchableTransport(createLocalTransport({ root: f.root }));
  const old = readFileSync(f.bootFile, 'utf8').trim();
  const lines: string[] = [];
  const res = await runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-1', rebootWait: { transport, connect: () => Promise.resolve(createLocalTransport({ root: f.root })), config: f.config({ command: REBOOTS(f.bootFile) }), output: (l) => lines.push(l) } });
  assert.equal(res.status, 'completed');
  assert.deepEqual(f.applies, ['before', 'upgrade', 'after']);
  const kinds = (await readJournal(transport, 'mig-reboot-1')).map((e) => (e.event === 'step' ? `${e.phase}:${f.plan.steps.find((s) => s.id === e.stepId)?.title}` : e.event === 'reboot' ? `reboot:${e.phase}` : e.event));
  assert.deepEqual(kinds.filter((k) => /upgrade|reboot/.test(k)), ['start:upgrade', 'reboot:requested', 'reboot:returned', 'end:upgrade']);
  const req = (await readJournal(transport, 'mig-reboot-1')).find((e) => e.event === 'reboot' && e.phase === 'requested');
  assert.ok(req?.event === 'reboot' && req.phase === 'requested' && req.bootId === old && req.stepId === f.plan.steps[1].id, JSON.stringify(req));
  assert.ok(lines.some((l) => /is back: boot/.test(l)), lines.join('\n'));
  await transport.close();
});

test('a host that never comes back: REBOOT_TIMEOUT naming it and the timeout, the step left running; resume waits again and does not apply it twice', async () => {
  const f = fixture();
  const transport = switchableTransport(createLocalTransport({ root: f.root }));
  const wait = (command: readonly string[], timeoutMs: number) => ({ transport, connect: () => Promise.resolve(createLocalTransport({ root: f.root })), config: f.config({ command, timeoutMs }), output: () => undefined });
  await assert.rejects(runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-2', rebootWait: wait(['true'], 300) }),
    (e: unknown) => isFerryError(e, 'REBOOT_TIMEOUT') && /local did not come back from its reboot within 300 ms/.test(e.message));
  const st = await status({ transport, executionId: 'mig-reboot-2' });
  assert.equal(st.steps.find((s) => s.title === 'upgrade')?.state, 'running', 'resumable: the step waits for its reboot');
  assert.ok(st.interrupted);
  // The host comes back by itself (a slow reboot); resume judges it and ends the step without applying it again.
  writeFileSync(f.bootFile, `${randomUUID()}\n`);
  const res = await runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-2', rebootWait: wait(['false'], 300) });
  assert.equal(res.status, 'completed');
  assert.deepEqual(f.applies, ['before', 'upgrade', 'after'], 'upgrade applied once');
  await transport.close();
});

test('a reboot requested but never taken (same boot on resume) is issued again; without a way to reboot the step refuses, naming the host', async () => {
  const f = fixture();
  const transport = switchableTransport(createLocalTransport({ root: f.root }));
  const wait = (command: readonly string[]) => ({ transport, connect: () => Promise.resolve(createLocalTransport({ root: f.root })), config: f.config({ command, timeoutMs: 300 }), output: () => undefined });
  await assert.rejects(runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-3', rebootWait: wait(['true']) }), (e: unknown) => isFerryError(e, 'REBOOT_TIMEOUT'));
  await assert.rejects(runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-3' }), (e: unknown) => isFerryError(e, 'REBOOT_FAILED') && /ends in a reboot, which Ferry cannot do on local/.test(e.message));
  const res = await runPlan({ plan: f.plan, transport, executionId: 'mig-reboot-3', rebootWait: wait(REBOOTS(f.bootFile)) });
  assert.equal(res.status, 'completed');
  assert.deepEqual(f.applies, ['before', 'upgrade', 'after']);
  const reboots = (await readJournal(transport, 'mig-reboot-3')).filter((e) => e.event === 'reboot').map((e) => e.phase);
  assert.deepEqual(reboots, ['requested', 'requested', 'returned'], 'asked again, returned once');
  await transport.close();
});

test('afterReboot: a failed check after the reboot fails the step with its detail (also when the run was killed during the wait); resume applies the step and reboots again', async () => {
  const f = fixture();
  const transport = switchableTransport(createLocalTransport({ root: f.root }));
  const checks: boolean[] = [false, true];
  const applies: string[] = [];
  const up = defineStep({ kind: 'test-offline', options: { name: 'offline' }, title: 'offline', endsInReboot: true,
    apply: () => { applies.push('offline'); return Promise.resolve(); },
    afterReboot: () => Promise.resolve(checks.shift() ? { ok: true } : { ok: false, detail: 'the update exited 1' }) });
  const plan = { id: 'plan-after-reboot', steps: [up] };
  const wait = (command: readonly string[], timeoutMs = 5000) => ({ transport, connect: () => Promise.resolve(createLocalTransport({ root: f.root })), config: f.config({ command, timeoutMs }), output: () => undefined });
  await assert.rejects(runPlan({ plan, transport, executionId: 'mig-after-1', rebootWait: wait(REBOOTS(f.bootFile)) }),
    (e: unknown) => isFerryError(e, 'STEP_FAILED') && /offline \(step-[0-9a-f]+\) on local: after the reboot, the update exited 1/.test(e.message) && /ferry resume/.test(e.hint ?? ''));
  assert.equal((await status({ transport, executionId: 'mig-after-1' })).steps[0].state, 'failed');
  const res = await runPlan({ plan, transport, executionId: 'mig-after-1', rebootWait: wait(REBOOTS(f.bootFile)) });
  assert.equal(res.status, 'completed');
  assert.deepEqual(applies, ['offline', 'offline'], 'applied again, rebooted again');
  assert.deepEqual((await readJournal(transport, 'mig-after-1')).filter((e) => e.event === 'reboot').map((e) => e.phase), ['requested', 'returned', 'requested', 'returned']);

  // Killed during the wait (the reboot never seen returning): the resume settles the reboot, then runs the check.
  checks.push(false);
  await assert.rejects(runPlan({ plan, transport, executionId: 'mig-after-2', rebootWait: wait(['true'], 300) }), (e: unknown) => isFerryError(e, 'REBOOT_TIMEOUT'));
  writeFileSync(f.bootFile, `${randomUUID()}\n`);
  await assert.rejects(runPlan({ plan, transport, executionId: 'mig-after-2', rebootWait: wait(['false'], 300) }), (e: unknown) => isFerryError(e, 'STEP_FAILED') && /after the reboot, the update exited 1/.test(e.message));
  await transport.close();
});
