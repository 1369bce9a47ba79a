// Runs the ferry CLI in-process (src/cli/main.ts) capturing stdout/stderr, for the assess end-to-end tests.
import assert from 'node:assert/strict';
import type { Assessment, TargetAssessment } from '../../src/assess/types.js';
import { main } from '../../src/cli/main.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';

export interface CliRun { code: number; out: string; err: string }

export async function ferry(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

/** `ferry --json assess ARGS`: exits 0, and the report validates against the published schema. */
export async function assessJson(args: string[]): Promise<Assessment> {
  const r = await ferry(['--json', 'assess', ...args]);
  assert.equal(r.code, 0, `exit ${r.code}: ${r.err}\n${r.out.slice(0, 2000)}`);
  const a = JSON.parse(r.out) as Assessment;
  assert.deepEqual(validateAssessment(a), [], 'report validates against the schema');
  return a;
}

/** The assessment of one target (fails the test when it is absent). */
export function targetOf(a: Assessment, id: string): TargetAssessment {
  const t = a.targets.find((x) => x.target === id);
  assert.ok(t, `no target ${id}`);
  return t;
}
