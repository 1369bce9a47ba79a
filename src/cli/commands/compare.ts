/** `ferry compare`: package, version, provides and soname drift between two repositories. */
import type { Command } from 'commander';
import { compareRepositories } from '../../app/prove-compare.js';
import { renderRepoDrift } from '../../report/compare-text.js';
import { collect, emit, type CliContext } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  program.command('compare <repoA> <repoB>')
    .description('drift between two repositories (paths or URLs): packages only on one side, versions, provides, sonames')
    .option('--also-a <location>', 'another repository on side A (repeatable: BaseOS + AppStream)', collect)
    .option('--also-b <location>', 'another repository on side B (repeatable)', collect)
    .action(async (a: string, b: string, f: { alsoA?: string[]; alsoB?: string[] }) => {
      emit(ctx, await compareRepositories([a, ...(f.alsoA ?? [])], [b, ...(f.alsoB ?? [])]), (d) => renderRepoDrift(d));
    });
}
