import { writeFileSync } from 'node:fs';
import { errorStatus, FerryError, isFerryError, redact, redactJson } from '../core/index.js';

/** What every command handler receives: how to print, and whether the user asked for JSON. */
export interface CliContext {
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: progress may redraw in place. */
  stderrIsTty?: boolean;
  /** Set by a handler that completed but must exit non-zero (e.g. some hosts failed); main returns it. */
  exitCode?: number;
}

/** Prints a command's result: JSON (2-space, newline-terminated) with --json, else the text rendering. */
export function emit<T>(ctx: CliContext, data: T, renderText: (data: T) => string): void {
  if (ctx.json) ctx.stdout(JSON.stringify(data, null, 2) + '\n');
  else {
    const text = renderText(data);
    ctx.stdout(text.endsWith('\n') ? text : text + '\n');
  }
}

/** Prints an error; its exit status is core's (ERROR_STATUS: 2 usage, 70 internal, 1 any other failure). */
export function reportError(ctx: CliContext, err: unknown): number {
  if (isFerryError(err)) {
    // --json errors are redacted as text errors are, details included.
    if (ctx.json) ctx.stdout(JSON.stringify({ error: redactJson(err.toJSON()) }, null, 2) + '\n');
    else ctx.stderr(`ferry: error [${err.code}]: ${redact(err.message)}\n${err.hint ? `hint: ${redact(err.hint)}\n` : ''}`);
    return errorStatus(err).exit;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const wrapped = new FerryError('INTERNAL', redact(message));
  if (ctx.json) ctx.stdout(JSON.stringify({ error: wrapped.toJSON() }, null, 2) + '\n');
  else ctx.stderr(`ferry: internal error: ${redact(message)}\n`);
  return errorStatus(err).exit;
}

/**
 * Writes a report a command was asked to put in a file (`--out`): redacted as everything printed is (main's
 * stdout and stderr), so a file holds no secret the terminal would not show; a write failure is IO naming the file.
 */
export function writeReport(path: string, text: string): void {
  try {
    writeFileSync(path, redact(text));
  } catch (cause) {
    throw new FerryError('IO', `Cannot write the report to ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** A whole number ≥ min given to an option, or USAGE naming the option: the one rule for counts on the command line. */
export function integerOption(text: string, option: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new FerryError('USAGE', `${option} ${JSON.stringify(text)} is not a whole number ≥ ${min}`);
  return n;
}

/** commander's option parser for a repeatable option: each use appends (none given: the default, or undefined). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
