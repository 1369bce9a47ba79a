/**
 * The reboot flags of every command that may run a step ending in a reboot (migrate, resume, rollback, worker):
 * the one place they are declared and read into the reboot boundary's configuration (src/exec/reboot.ts).
 */
import type { Command } from 'commander';
import { FerryError } from '../core/index.js';
import type { RebootConfig } from '../app/reboot.js';
import { parseDuration } from '../fleet/flags.js';

export interface RebootFlags { rebootTimeout?: string; rebootCommand?: string; bootIdFile?: string }

export function withRebootFlags(c: Command): Command {
  return c.option('--reboot-timeout <duration>', 'how long the host may take to come back from a reboot Ferry issues (default 10m; SSH hosts)')
    .option('--reboot-command <json-argv>', 'the host\'s reboot command as a JSON array (default ["systemctl","reboot"])')
    .option('--boot-id-file <path>', 'where the host keeps its boot id (default /proc/sys/kernel/random/boot_id): a changed one proves the reboot');
}

/** The flags given, as the boundary's configuration (defaults filled in by rebootConfig). */
export function rebootConfigOf(f: RebootFlags): Partial<RebootConfig> {
  return {
    ...(f.rebootTimeout !== undefined ? { timeoutMs: parseDuration('--reboot-timeout', f.rebootTimeout) * 1000 } : {}),
    ...(f.rebootCommand !== undefined ? { command: argvFlag('--reboot-command', f.rebootCommand) } : {}),
    ...(f.bootIdFile !== undefined ? { bootIdFile: f.bootIdFile } : {}),
  };
}

/** A JSON array of strings given for a command flag: an argv, never a shell string. */
export function argvFlag(flag: string, value: string): string[] {
  let v: unknown;
  try { v = JSON.parse(value); } catch { v = undefined; }
  if (!Array.isArray(v) || v.length === 0 || !v.every((x): x is string => typeof x === 'string' && x.length > 0)) {
    throw new FerryError('USAGE', `${flag} ${value}: expected a JSON array of strings, e.g. '["/usr/local/bin/snap","create"]'`);
  }
  return v;
}
