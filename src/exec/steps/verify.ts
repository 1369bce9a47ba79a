/**
 * The last step: verifies the converted host (../verify.ts) against the evidence the backup step
 * recorded, writes the report to the state dir, and fails when any check fails.
 */
import { FerryError } from '../../core/index.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { verifyHost, verifyReportPath, type VerifyReport } from '../verify.js';
import { readEvidence } from '../verify-documents.js';
import { verifyKind, type VerifyStepOptions } from '../../plan/steps/index.js';

export function verifyStep(options: VerifyStepOptions): Step<VerifyStepOptions> {
  return defineStep<VerifyStepOptions>({
    ...verifyKind.spec(options),
    describe: () => ['check os-release, release package, leftovers, boot kernel, dnf check; diff rpm -Va and services'],
    async apply(ctx) {
      const before = await readEvidence(ctx.transport, ctx.stateDir);
      const report: VerifyReport = await verifyHost({ transport: ctx.transport, stateDir: ctx.stateDir, verify: options, ...(before ? { before } : {}) });
      await ctx.transport.writeFile(verifyReportPath(ctx.stateDir), JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
      for (const c of report.checks) ctx.output(`${c.ok ? 'ok  ' : 'FAIL'} ${c.id}: ${c.detail}`);
      if (report.packageSet) ctx.output(`${report.packageSet.ok ? 'ok  ' : 'FAIL'} package-set: ${report.packageSet.detail}`);
      for (const l of report.leftovers) ctx.output(`left: ${l.nevra}: ${l.why}`);
      if (!report.ok) {
        throw new FerryError('STEP_FAILED', `Verification failed on ${ctx.transport.hostName}: ${[...report.checks, ...(report.packageSet ? [report.packageSet] : [])].filter((c) => !c.ok).map((c) => `${c.id} (${c.detail})`).join('; ')}`);
      }
    },
  });
}
