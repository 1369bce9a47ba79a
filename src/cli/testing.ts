/** For CLI tests: runs `ferry ARGS…` in-process and returns its exit status and what it printed. */
import { main } from './main.js';

export async function runCli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ferry', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}
