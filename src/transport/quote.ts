/**
 * POSIX shell quoting for the one place a command line must be a string: the SSH exec request, which the
 * remote user's login shell parses. Each argv element becomes one single-quoted word; a single quote inside
 * is written as '\'' (close, escaped quote, reopen). Inside single quotes a POSIX shell expands nothing
 * ($, `, \, newline are literal), so every byte reaches the remote process unchanged as one argument.
 */
import { assert, FerryError } from '../core/index.js';

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new FerryError('USAGE', 'A command argument contains a NUL byte, which no process argument can hold');
  }
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  assert(argv.length > 0, 'empty argv');
  return argv.map(quoteArg).join(' ');
}

/** Environment names a shell assignment can carry without quoting surprises. */
export function assertEnvName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new FerryError('USAGE', `Invalid environment variable name ${JSON.stringify(name)}`);
  }
}
