/** `ferry inventory import|list`: hosts from Ansible inventories, ssh configs, host lists and CSV into the store. */
import type { Command } from 'commander';
import { importInventory, listInventory } from '../../app/inventory.js';
import { FerryError } from '../../core/index.js';
import { INVENTORY_FORMATS, type InventoryFormat } from '../../fleet/inventory/index.js';
import { SELECTOR_HELP } from '../../fleet/selector.js';
import { renderImportSummary, renderInventoryTable } from '../../report/inventory.js';
import { emit, type CliContext } from '../output.js';
import { withStore, withStoreFlag, type StoreFlags } from '../store-flags.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('inventory').description('Import hosts from inventories and list them');

  withStoreFlag(cmd.command('import <files...>'), 'the hosts are recorded in')
    .description('import hosts (Ansible INI/YAML files or directories with group_vars/ and host_vars/, ~/.ssh/config aliases, host lists, CSV) into the store')
    .option('--format <format>', `every file's format: ${INVENTORY_FORMATS.join(', ')} (default: by extension, then content)`)
    .option('--prune', 'delete the hosts these files (or directories) listed before and no longer do, instead of marking them removed')
    .addHelpText('after', `
Ansible inventories are read as ansible-core 2.14 reads them (ansible-inventory -i FILE --list gives the same
hosts, groups and variables). Password-like variables (ansible_password, *pass*, *secret*, *token*, !vault)
are dropped with a notice naming host and variable. CSV columns: name,address,port,user,identity_file,groups
(';'-separated); other columns become variables. A variable ferry_labels ("k=v,k=v" or a mapping) sets labels.
Hosts an earlier import of the same file (or of a file under the same directory) listed and this one does not are
reported and marked removed: no selector picks them (collect, assess, rollouts), ferry inventory list shows them as
removed, an import that lists them again restores them. --prune deletes them instead, refused (nothing imported)
while a rollout still has one of them under way.
The audit log records the import under $FERRY_OPERATOR (else the OS user).`)
    .action(async (files: string[], opts: StoreFlags & { format?: string; prune?: boolean }) => {
      if (opts.format !== undefined && !(INVENTORY_FORMATS as readonly string[]).includes(opts.format)) {
        throw new FerryError('USAGE', `--format ${JSON.stringify(opts.format)} is not one of ${INVENTORY_FORMATS.join(', ')}`);
      }
      const summary = await withStore(opts, (store) => importInventory(store, files, {
        ...(opts.format !== undefined ? { format: opts.format as InventoryFormat } : {}), ...(opts.prune ? { prune: true } : {}),
      }));
      emit(ctx, summary, renderImportSummary);
    });

  withStoreFlag(cmd.command('list [selector]'), 'the hosts are read from')
    .description('list stored hosts, all or those a selector picks')
    .addHelpText('after', `\n${SELECTOR_HELP}`)
    .action(async (selector: string | undefined, opts: StoreFlags) => {
      const hosts = await withStore(opts, (store) => listInventory(store, selector, { includeRemoved: true }));
      emit(ctx, hosts, (hs) => renderInventoryTable(hs.map((h) => ({ name: h.name, address: h.connection.address ?? h.address, groups: h.groups,
        ...(h.removedAt !== null ? { removedAt: h.removedAt } : {}),
        ...(h.connection.port !== undefined ? { port: h.connection.port } : {}), ...(h.connection.user !== undefined ? { user: h.connection.user } : {}) }))));
    });
}
