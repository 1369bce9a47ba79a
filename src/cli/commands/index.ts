import type { Command } from 'commander';
import type { CliContext } from '../output.js';
import { register as registerAssess } from './assess.js';
import { register as registerCatalog } from './catalog.js';
import { register as registerCompare } from './compare.js';
import { register as registerCve } from './cve.js';
import { register as registerFleet } from './fleet.js';
import { register as registerInventory } from './inventory.js';
import { register as registerMigrate } from './migrate.js';
import { register as registerProof } from './proof.js';
import { register as registerRepo } from './repo.js';
import { register as registerRollout } from './rollout.js';
import { register as registerSbom } from './sbom.js';
import { register as registerServe } from './serve.js';
import { register as registerToken } from './token.js';

/**
 * Registers every command group. One line per group; each group is a module in this folder exporting
 * `register(program, ctx)`.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerAssess(program, ctx);
  registerCatalog(program, ctx);
  registerCompare(program, ctx);
  registerCve(program, ctx);
  registerFleet(program, ctx);
  registerInventory(program, ctx);
  registerMigrate(program, ctx);
  registerProof(program, ctx);
  registerRepo(program, ctx);
  registerRollout(program, ctx);
  registerSbom(program, ctx);
  registerServe(program, ctx);
  registerToken(program, ctx);
  void program;
  void ctx;
}
