/**
 * The user-command snapshot provider: the operator's own commands (a cloud disk snapshot CLI, a hypervisor's,
 * or `btrfs subvolume snapshot`/`cp -a` of a root) run on the CONTROLLER, argv as given, never through a shell,
 * with the host and execution in the environment: FERRY_HOST, FERRY_EXECUTION_ID, FERRY_ROOT (the root prefix,
 * empty on a live host) and, for restore and remove, FERRY_SNAPSHOT_ID. The create command prints the
 * snapshot's id as its last line of output (a name or path, [A-Za-z0-9._:/@+-]); the restore command returns once the
 * host runs the restored disk again. The argvs come from the plan (whose id the signed journal records), never from the journal.
 */
import { FerryError } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import type { Transport } from '../../transport/types.js';

export interface SnapshotCommands {
  create: string[];
  restore: string[];
  remove: string[];
}

export const SNAPSHOT_ID_PATTERN = /^[A-Za-z0-9._:/@+-]{1,256}$/;

const controller = createLocalTransport();

/** Runs one of the operator's commands on the controller; returns its stdout, or throws SNAPSHOT_FAILED naming it. */
export async function runSnapshotCommand(argv: readonly string[], what: string, env: { transport: Transport; executionId: string; snapshotId?: string }): Promise<string> {
  const res = await controller.run(argv, {
    env: {
      FERRY_HOST: env.transport.hostName, FERRY_EXECUTION_ID: env.executionId, FERRY_ROOT: env.transport.root ?? '',
      ...(env.snapshotId ? { FERRY_SNAPSHOT_ID: env.snapshotId } : {}),
    },
  });
  if (res.code !== 0) {
    throw new FerryError('SNAPSHOT_FAILED', `The snapshot ${what} command ${JSON.stringify(argv[0])} for ${env.transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 300)}`, {
      hint: `Run the command by hand to see why (FERRY_HOST=${env.transport.hostName} FERRY_EXECUTION_ID=${env.executionId}).`,
    });
  }
  return res.stdout;
}

/** The snapshot id the create command printed: its last non-empty line. */
export function parseSnapshotId(stdout: string, argv0: string): string {
  const id = stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
  if (!SNAPSHOT_ID_PATTERN.test(id)) {
    throw new FerryError('SNAPSHOT_FAILED', `The snapshot command ${JSON.stringify(argv0)} printed no snapshot id as its last line (got ${JSON.stringify(id.slice(0, 80))})`, {
      hint: 'Make the command print the snapshot\'s id or path as its last line of output.',
    });
  }
  return id;
}
