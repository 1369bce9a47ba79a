/**
 * The rollout view decide() and transition() take, from the store's rollout and rollout-host records
 * (structurally: this layer does not import the store). The stored spec is validated on the way in.
 */
import type { JsonValue } from '../core/index.js';
import { isFinished, type Approval, type RolloutView } from './decide.js';
import { parseRolloutSpec, type RolloutHostState, type RolloutState } from './rollout-spec.js';

export interface StoredRollout {
  id: string;
  spec: JsonValue;
  state: RolloutState;
  currentWave: number;
}

export interface StoredRolloutHost {
  hostName: string;
  wave: number;
  capGroup: string | null;
  state: RolloutHostState;
  /** The record's last change: for a finished host, when it finished. */
  updatedAt: string;
}

/**
 * The view, hosts in the order given (the store's release order). `verified` names the hosts whose migration
 * verified; `approval` is the gate's recorded approval (the audit log's), null while none.
 */
export function rolloutViewOf(rollout: StoredRollout, hosts: readonly StoredRolloutHost[], extra: { approval: Approval | null; verified: ReadonlySet<string> }): RolloutView {
  return {
    id: rollout.id,
    spec: parseRolloutSpec(rollout.spec, { document: 'rollout spec', from: `rollout ${rollout.id} in the store` }),
    state: rollout.state,
    currentWave: rollout.currentWave,
    approval: extra.approval,
    hosts: hosts.map((h) => ({
      name: h.hostName,
      wave: h.wave,
      state: h.state,
      capGroup: h.capGroup,
      startedAt: null,
      finishedAt: isFinished(h.state) ? h.updatedAt : null,
      verified: h.state === 'succeeded' && extra.verified.has(h.hostName),
    })),
  };
}
