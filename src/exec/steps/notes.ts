/** A step's note: why it did nothing (or what it did), in the execution's state dir, for verify and status. */
import { posix } from 'node:path';
import { mkdirHost } from '../journal.js';
import type { JsonValue, StepContext } from '../types.js';

export async function writeNote(ctx: StepContext, note: Record<string, JsonValue>): Promise<void> {
  const dir = posix.join(ctx.stateDir, 'notes');
  await mkdirHost(ctx.transport, dir);
  await ctx.transport.writeFile(posix.join(dir, `${ctx.step.kind}.json`), JSON.stringify({ stepId: ctx.step.id, ...note }) + '\n', { mode: 0o600 });
}
