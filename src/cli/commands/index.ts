import type { Command } from 'commander';
import type { CliContext } from '../output.js';

/** A command group: a module in this folder exporting `register(program, ctx)`, and the commands it registers. */
interface CommandGroup {
  commands: readonly string[];
  load: () => Promise<{ register: (program: Command, ctx: CliContext) => void }>;
}

/** One line per group, in help order. */
const GROUPS: readonly CommandGroup[] = [
  { commands: ['assess'], load: () => import('./assess.js') },
  { commands: ['catalog'], load: () => import('./catalog.js') },
  { commands: ['compare'], load: () => import('./compare.js') },
  { commands: ['cve'], load: () => import('./cve.js') },
  { commands: ['fleet'], load: () => import('./fleet.js') },
  { commands: ['inventory'], load: () => import('./inventory.js') },
  { commands: ['plan', 'migrate', 'resume', 'rollback', 'finish', 'unlock', 'status'], load: () => import('./migrate.js') },
  { commands: ['proof'], load: () => import('./proof.js') },
  { commands: ['repo'], load: () => import('./repo.js') },
  { commands: ['rollout', 'worker'], load: () => import('./rollout.js') },
  { commands: ['sbom'], load: () => import('./sbom.js') },
  { commands: ['serve'], load: () => import('./serve.js') },
  { commands: ['token'], load: () => import('./token.js') },
];

/**
 * The groups a command line needs, as indexes into GROUPS: the one group of the command it names; none for
 * `ferry --version` alone; every group otherwise (`ferry --help`, `ferry help …`, no command, a misspelt one:
 * help and suggestions list every command). The program's own options take no values, so the command is the
 * first word that is not an option. Loading only that group keeps the modules of every other command (and
 * their dependencies) out of the process: start-up is most of a short command's CPU.
 */
export function commandGroupsFor(args: readonly string[]): number[] {
  const all = GROUPS.map((_, i) => i);
  const word = args.find((a) => !a.startsWith('-'));
  if (word === undefined) return args.some((a) => a === '--version' || a === '-V') && !args.some((a) => a === '--help' || a === '-h') ? [] : all;
  const i = GROUPS.findIndex((g) => g.commands.includes(word));
  return i < 0 ? all : [i];
}

/** Registers the command groups `args` (argv without node and the script) needs; see commandGroupsFor. */
export async function registerCommands(program: Command, ctx: CliContext, args: readonly string[]): Promise<void> {
  const groups = commandGroupsFor(args);
  const modules = await Promise.all(groups.map((i) => GROUPS[i].load()));
  for (const m of modules) m.register(program, ctx);
}

/** Every command name, in help order (tests: each group registers what GROUPS says). */
export const COMMAND_NAMES: readonly string[] = GROUPS.flatMap((g) => g.commands);
