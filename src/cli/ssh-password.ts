/**
 * The SSH password, for hosts that take no key: from `--password-file FILE` (its first line) or the
 * FERRY_SSH_PASSWORD environment variable, never from an argument (argv is visible to every user in ps).
 */
import { readFileSync } from 'node:fs';
import { FerryError } from '../core/index.js';

export const PASSWORD_FILE_HELP = 'SSH password from the first line of FILE (or set FERRY_SSH_PASSWORD); never given on the command line';

export function readSshPassword(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (file === undefined) return env.FERRY_SSH_PASSWORD || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FerryError('USAGE', `Cannot read the SSH password file ${file}: ${(cause as Error).message}`, { cause });
  }
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new FerryError('USAGE', `The SSH password file ${file} is empty`, { hint: 'Put the password on its first line.' });
  return password;
}
