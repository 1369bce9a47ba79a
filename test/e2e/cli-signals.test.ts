// A closed output pipe (`ferry … | head`) or a hung-up terminal must not kill a run half-way: the real
// ferry process, in the middle of a rollback that waits for a detached transaction, loses its stdout and
// stderr readers and gets SIGHUP, and still finishes the rollback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { leaveTransactionRunning } from '../../src/exec/testing/fixture.js';
import { status } from '../../src/exec/runner.js';
import { createLocalTransport } from '../../src/transport/local.js';

const skip = skipUnlessTools('setsid', 'flock', 'realpath');
const base = mkdtempSync(join(tmpdir(), 'ferry-signals-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
process.env.FERRY_HOME = join(base, 'home');
const FERRY = join(import.meta.dirname, '..', '..', 'bin', 'ferry.js');

test('ferry rollback survives a closed output pipe and SIGHUP mid-run, and completes', { skip }, async () => {
  const root = join(base, 'root');
  mkdirSync(root);
  // long enough that a loaded machine's ferry start-up (seconds at load 15) still finds the transaction running
  const { run } = await leaveTransactionRunning({ root, seconds: 8, executionId: 'hup' });
  const child = spawn(process.execPath, [FERRY, 'rollback', 'local', '--root', root, '--store', join(base, 'ferry.db')], {
    env: { ...process.env, FERRY_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Once it reports that it waits for the transaction, it is mid-run: cut its output and hang up.
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); if (/waiting for the swap transaction/.test(err)) resolve(); });
    child.on('exit', (code) => reject(new Error(`ferry exited ${code} before waiting: ${err}`)));
  });
  child.stdout.destroy();
  child.stderr.destroy();
  child.kill('SIGHUP');
  const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
  await run;
  assert.equal((await status({ transport: createLocalTransport({ root }), executionId: 'hup' })).state, 'rolled-back');
  assert.equal(readFileSync(join(root, 'etc/os-release'), 'utf8'), 'NAME="CentOS Linux"\nVERSION_ID="8"\n');
});
