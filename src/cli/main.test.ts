import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_STATUS } from '../core/index.js';
import { COMMAND_NAMES, commandGroupsFor } from './commands/index.js';
import { main, VERSION } from './main.js';
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

test('only the command group a command line names is loaded; help, a misspelt command or none loads every group', () => {
  const all = commandGroupsFor(['--help']);
  assert.ok(all.length > 10);
  const rows: [string[], number][] = [
    [['fleet', 'collect', '--json'], 1], [['--json', 'worker'], 1], [['status', 'h'], 1], [['--version'], 0], [['-V'], 0],
    [[], all.length], [['--help'], all.length], [['--version', '--help'], all.length], [['help', 'fleet'], all.length], [['flet'], all.length],
  ];
  for (const [args, n] of rows) assert.equal(commandGroupsFor(args).length, n, args.join(' '));
  assert.deepEqual(commandGroupsFor(['plan']), commandGroupsFor(['migrate']));
  assert.notDeepEqual(commandGroupsFor(['plan']), commandGroupsFor(['fleet']));
});

test('every command is registered by the group loaded for it, and --help lists them all', async () => {
  const help = await run(['--help']);
  for (const name of COMMAND_NAMES) {
    assert.match(help.out, new RegExp(`^  ${name}\\b`, 'm'), `--help lists ${name}`);
    const r = await run([name, '--help']);
    assert.equal(r.code, 0, `${name} --help: ${r.err}`);
    assert.match(r.out, new RegExp(`^Usage: ferry ${name}\\b`), name);
  }
  const v = await run(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.out.trim(), VERSION);
});
