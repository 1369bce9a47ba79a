/** `ferry repo …`: what a repository holds (info) and what it answers (query), from its repodata. */
import type { Command } from 'commander';
import { queryRepo, repoInfo, type QueryOptions } from '../../app/repo.js';
import { renderRepoInfo, renderRepoQuery } from '../../report/repo-text.js';
import { emit, type CliContext } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('repo').description('Read a repository\'s metadata (a local path or an http(s) URL)');
  cmd.command('info <location>')
    .description('counts, arches, revision, newest packages, modules, advisories and groups')
    .action(async (location: string) => {
      emit(ctx, await repoInfo(location), renderRepoInfo);
    });
  cmd.command('query <location>')
    .description('packages matching every given filter, as NEVRAs')
    .option('--name <name>', 'package name (globs allowed) or NEVRA')
    .option('--whatprovides <capability>', 'packages providing a capability, file or `name op version`')
    .option('--whatrequires <capability>', 'packages requiring a capability (dnf repoquery semantics)')
    .option('--provides <package>', 'print the provides of the packages matching this name or NEVRA')
    .action(async (location: string, opts: QueryOptions) => {
      emit(ctx, await queryRepo(location, opts, { warn: (m) => ctx.stderr(`ferry: warning: ${m}\n`) }), renderRepoQuery);
    });
}
