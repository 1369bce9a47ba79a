import type { Command } from 'commander';
import type { CliContext } from '../output.js';

/**
 * Registers every command group. One line per group; each group is a module in this folder exporting
 * `register(program, ctx)`.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
