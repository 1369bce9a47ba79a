import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_STATUS } from '../core/index.js';
import { main } from './main.js';
import { reportError } from './output.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test('--help lists the program and exits 0', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Usage: ferry/);
});

test('an unknown command is a usage error with exit 2', async () => {
  const r = await run(['no-such-command']);
  assert.equal(r.code, 2);
  assert.match(r.err, /USAGE/);
});

test('an unknown command with --json prints a JSON error', async () => {
  const r = await run(['--json', 'no-such-command']);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.out).error.code, 'USAGE');
});

test('exit statuses come from core ERROR_STATUS: a FerryError exits with its code, anything else with 70', async () => {
  const unknown = await run(['--json', 'catalog', 'show', 'no-such-release']);
  assert.equal(JSON.parse(unknown.out).error.code, 'CATALOG_UNKNOWN_RELEASE');
  assert.equal(unknown.code, ERROR_STATUS.CATALOG_UNKNOWN_RELEASE.exit);
  let err = '';
  const ctx = { json: false, stdout: () => undefined, stderr: (s: string) => void (err += s) };
  assert.equal(reportError(ctx, new TypeError('boom')), 70);
  assert.match(err, /^ferry: internal error: TypeError: boom/);
});
