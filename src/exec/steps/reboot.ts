/**
 * A reboot step: apply has nothing to change, the runner reboots through the journaled boundary
 * (../reboot-boundary.ts) once it is applied, and ends the step when the same host is back on a new boot. A
 * run killed during the wait resumes into it.
 */
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { rebootKind, type RebootOptions } from '../../plan/steps/index.js';

export function rebootStep(options: RebootOptions): Step<RebootOptions> {
  return defineStep<RebootOptions>({
    ...rebootKind.spec(options),
    endsInReboot: true,
    describe: () => [`reboot the host (${options.into === 'interim' ? 'the target transaction runs on the next boot' : 'into the upgraded system'}) and wait for it to come back`],
    apply(ctx) {
      ctx.output(`rebooting ${ctx.transport.hostName} into ${options.into === 'interim' ? 'the interim phase' : 'the upgraded system'}`);
      return Promise.resolve();
    },
  });
}
