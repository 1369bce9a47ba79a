// Runs the ferry CLI in-process (src/cli/main.ts) capturing stdout/stderr, for the assess end-to-end tests.
import { main } from '../../src/cli/main.js';

export interface CliRun { code: number; out: string; err: string }

export async function ferry(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}
