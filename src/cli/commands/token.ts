/**
 * `ferry token create|list|revoke`: API tokens for `ferry serve`. A token's secret is printed once, at
 * creation; the store keeps only its hash.
 */
import type { Command } from 'commander';
import { operatorName } from '../../app/store.js';
import { API_ROLES, createToken, parseRole, revokeToken } from '../../app/tokens.js';
import { emit, type CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

export function register(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API tokens for ferry serve, with a role: viewer reads, operator acts on rollouts and jobs, admin also manages tokens');
  withStoreFlag(token.command('create').description('create a token; its secret is printed once'), 'holding the tokens')
    .requiredOption('--role <role>', `one of ${API_ROLES.join(', ')}`)
    .option('--name <text>', 'who or what the token is for (the audit log names it)')
    .action(async (f: StoreFlags & { role: string; name?: string }) => {
      const role = parseRole(f.role);
      const res = await withStore(f, (store) => createToken({ store, name: f.name ?? `${operatorName()}-${role}`, role, operator: operatorName() }));
      emit(ctx, res, (r) => `${r.secret}\n`);
      ctx.stderr(`ferry: token ${res.token.id} (${res.token.name}, ${res.token.role}) created; the secret above is not shown again\n`);
    });
  withStoreFlag(token.command('list').description('tokens, without their secrets'), 'holding the tokens').action(async (f: StoreFlags) => {
    const res = await withStore(f, (store) => store.listApiTokens());
    emit(ctx, res, (ts) => ts.map((t) => `${t.id}  ${t.role.padEnd(8)}  ${t.name}  created ${t.createdAt} by ${t.createdBy}${t.revokedAt ? `  revoked ${t.revokedAt}` : ''}`).join('\n') || 'no tokens');
  });
  withStoreFlag(token.command('revoke <id>').description('revoke a token and end its dashboard sessions'), 'holding the tokens').action(async (id: string, f: StoreFlags) => {
    await withStore(f, (store) => revokeToken({ store, id, operator: operatorName() }));
    emit(ctx, { revoked: id }, () => `token ${id} revoked`);
  });
}
