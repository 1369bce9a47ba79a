/**
 * The health gate after a migration: a list of checks, each deciding pass or fail with a detail line, run in
 * order; the gate passes when every check does. Verification (the plan's last step, its report) is the first
 * check; the operator's URL and command checks follow (`--health-check-url`, `--health-check-command`). The
 * workload diff the run computed is the second check. A failed gate rolls the
 * host back (to its snapshot, past the point of no return) when the operator asked for it (`--rollback-on-failure`).
 */
import type { VerifyReport } from '../exec/verify.js';
import { workloadVerdict, type WorkloadReport } from '../exec/workload.js';
import type { Transport } from '../transport/index.js';

export interface GateCheck {
  /** `verification`, `url:URL`, `command:ARGV0`… */
  id: string;
  run(): Promise<{ ok: boolean; detail: string }>;
}

export interface GateResult {
  ok: boolean;
  checks: { id: string; ok: boolean; detail: string }[];
}

/** The verification report's verdict (no report: the plan had no verify step, which fails the gate). */
export function verificationCheck(verify: VerifyReport | undefined): GateCheck {
  return {
    id: 'verification',
    run: async () => (verify
      ? { ok: verify.ok, detail: verify.ok ? `${verify.checks.length} checks passed` : `failed: ${verify.checks.filter((c) => !c.ok).map((c) => `${c.id} (${c.detail})`).join('; ')}` }
      : { ok: false, detail: 'no verification report' }),
  };
}

/** The workload diff the migration computed (exec/workload.ts): fails while a high finding stands (a unit stopped, a port gone, PermitRootLogin changed…). */
export function workloadCheck(report: WorkloadReport | undefined): GateCheck {
  return { id: 'workload', run: async () => workloadVerdict(report) };
}

/** An HTTP(S) GET answered 2xx within `timeoutMs` (the service the host runs, seen from the controller). */
export function urlCheck(url: string, timeoutMs = 10_000): GateCheck {
  return {
    id: `url:${url}`,
    async run() {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await res.body?.cancel();
        return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
      } catch (e) {
        return { ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** A command run on the host (argv, no shell; with a root prefix it runs beside it, FERRY_ROOT naming it) that must exit 0. */
export function commandCheck(transport: Transport, argv: readonly string[], timeoutMs = 60_000): GateCheck {
  return {
    id: `command:${argv[0]}`,
    async run() {
      const res = await transport.run(argv, { env: { FERRY_ROOT: transport.root ?? '' }, timeoutMs });
      const out = (res.stderr.trim() || res.stdout.trim()).split('\n').pop()?.slice(0, 200) ?? '';
      return { ok: res.code === 0, detail: `exit ${res.code ?? res.signal}${out ? `: ${out}` : ''}` };
    },
  };
}

export async function runGate(checks: readonly GateCheck[]): Promise<GateResult> {
  const results: GateResult['checks'] = [];
  for (const c of checks) results.push({ id: c.id, ...await c.run() });
  return { ok: results.every((r) => r.ok), checks: results };
}
