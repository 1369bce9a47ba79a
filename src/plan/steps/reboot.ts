/**
 * A reboot as a step of the plan (src/exec/steps/reboot.ts): the runner's reboot boundary (exec/reboot-boundary.ts)
 * reboots the host and ends the step when the same host is back on a new boot. `into`: the boot it starts —
 * `interim`, the phase the target transaction runs in; `target`, the upgraded system, where finalization runs.
 */
import { defineStepKind } from './kind.js';

export type RebootOptions = { into: 'interim' | 'target' };

export const rebootKind = defineStepKind<'reboot', RebootOptions>({
  kind: 'reboot',
  title: (o, conversion) => (o.into === 'interim' ? 'Reboot into the interim phase' : `Reboot into ${conversion?.target ?? 'the upgraded system'}`),
  schema: {
    type: 'object',
    properties: { into: { type: 'string', enum: ['interim', 'target'] } },
    required: ['into'],
    additionalProperties: false,
  },
});
