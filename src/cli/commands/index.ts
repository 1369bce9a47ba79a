import type { Command } from 'commander';
import type { CliContext } from '../output.js';
import { register as registerCatalog } from './catalog.js';

/**
 * Registers every command group. One line per group; each group is a module in this folder exporting
 * `register(program, ctx)`.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerCatalog(program, ctx);
  void program;
  void ctx;
}
