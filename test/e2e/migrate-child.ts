/**
 * Test helper process for the fault-injection tests: runs `ferry migrate` (FERRY_E2E_MODE=migrate),
 * `ferry rollback` (rollback), `ferry rollback --route` (rollback-route) or `ferry resume` through the app use cases on a local lab root, and freezes its
 * event loop at the point named by FERRY_E2E_STALL (`start:N`, `end:N` — step boundaries — `output:N[:K]`,
 * the K-th (default first) output line of step N, or `restore-start:N` / `restore-end:N`, the N-th restore
 * of this run starting or journaled as done, or `untar:N`, just before this run's N-th `tar -x` on the host
 * (a restore half done: what it replaces removed, its archive not yet unpacked)), printing STALLED so the
 * parent can SIGKILL it there; `gate:N` as the gate before hop N of a multi-hop route starts (the hop before it completed), `hop:N`
 * as hop N starts (its gate passed), `rebootwait:N` once the N-th reboot this run issues is waited for, and with
 * FERRY_E2E_STALL_HOP=N the step points count only within hop N. Migrate and resume go through the route use
 * cases (app/route.ts) as the CLI does. FERRY_E2E_PES gives migrate the PES events file(s), one `--pes` a line; FERRY_E2E_REPO may name several
 * repositories, one a line; FERRY_E2E_BOOT_ID_FILE (with FERRY_E2E_MACHINE_ID_FILE) models the reboots of a
 * plan's reboot steps with the lab's boot model (test/lab/boot.ts, its log in lab-boot/ beside that file): an armed
 * offline update runs in a modelled system-update.target boot, then the host boots with a new boot id.
 * FERRY_E2E_SSH runs it all over the lab host's loopback sshd (see below).
 */
import { writeSync } from 'node:fs';
import { rollback } from '../../src/app/migrate.js';
import { migrateRoute, resumeRoute, rollbackRoute } from '../../src/app/route.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { ProgressEvent } from '../../src/core/index.js';
import type { RunOptions, Transport } from '../../src/transport/types.js';
import { rebootConfig, switchableTransport, type RebootWait } from '../../src/exec/reboot.js';
import { dirname, join } from 'node:path';
import { labBoot } from '../lab/boot.js';

const [where, n, k] = (process.env.FERRY_E2E_STALL ?? '').split(':');
const index = n === undefined ? -1 : Number(n);
const line = k === undefined ? 1 : Number(k);
let stepIndex = -1;
let lines = 0;
const restores = { start: -1, end: -1 };
const stallHop = process.env.FERRY_E2E_STALL_HOP === undefined ? undefined : Number(process.env.FERRY_E2E_STALL_HOP);
let hop = 1;
function stall(): void {
  writeSync(1, 'STALLED\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
function onProgress(e: ProgressEvent): void {
  if (e.scope === 'route' && e.phase === 'hop') {
    hop = e.hop;
    if (where === 'hop' && e.hop === index) stall();
  }
  if (e.scope === 'route' && e.phase === 'gate' && where === 'gate' && e.hop === index) stall();
  if (stallHop !== undefined && hop !== stallHop) return;
  if (e.scope === 'step') { stepIndex = e.step.index; lines = 0; }
  if (e.scope === 'output' && stepIndex === index) lines++;
  if (e.scope === 'restore' && (e.phase === 'start' || e.phase === 'end')) restores[e.phase]++;
  const hit = (e.scope === 'step' && e.step.index === index && e.phase === where) || (e.scope === 'output' && where === 'output' && stepIndex === index && lines === line)
    || (e.scope === 'restore' && where === `restore-${e.phase}` && (e.phase === 'start' || e.phase === 'end') && restores[e.phase] === index);
  if (hit) stall();
}
const root = process.env.FERRY_E2E_ROOT ?? '';
const bootIdFile = process.env.FERRY_E2E_BOOT_ID_FILE;
// FERRY_E2E_SSH: the lab host's loopback sshd (JSON: port, key, knownHosts, sshdPid) instead of the local root; its
// reboots drop the SSH connections, and with `restart` stop sshd for the boot (connections hang) and restart it after.
const ssh = process.env.FERRY_E2E_SSH ? JSON.parse(process.env.FERRY_E2E_SSH) as { port: number; key: string; knownHosts: string; sshdPid: number; restart?: boolean } : undefined;
const open = (): Promise<Transport> => ssh
  ? connectSsh({ host: '127.0.0.1', port: ssh.port, user: 'root', root, sshConfigPath: false, auth: { identityFiles: [ssh.key], agent: false }, knownHostsFiles: [ssh.knownHosts], keepaliveIntervalMs: 1000 })
  : Promise.resolve(createLocalTransport({ root }));
const first = await open();
const switchable = bootIdFile ? switchableTransport(first) : undefined;
const local: Transport = switchable ?? first;
let reboots = 0;
let waited = false;
// FERRY_E2E_BOOT_BEFORE / _AFTER: shell lines the lab's reboot runs before and after the boot (a fault and its repair).
const shellLines = (v: string | undefined): string[] => (v ? v.split('\n') : []);
const bootFaults = { before: shellLines(process.env.FERRY_E2E_BOOT_BEFORE), after: shellLines(process.env.FERRY_E2E_BOOT_AFTER) };
// sshd restarted: SIGHUP makes it re-execute itself, delivered once the boot is over (it is stopped during it).
const sshdBoot = ssh ? { sshdPid: ssh.sshdPid, ...(ssh.restart ? { unreachable: true, before: [...bootFaults.before, `kill -HUP ${ssh.sshdPid}`] } : {}) } : {};
// The lab's boot model (test/lab/boot.ts): a boot into system-update.target when an offline update is armed, then
// default.target, then a new boot id. `rebootwait:N` stalls at the first "waiting for the host" line of the N-th reboot
// this run issues (of hop FERRY_E2E_STALL_HOP's, with it), the reboot issued.
const rebootWait: RebootWait | undefined = bootIdFile && switchable ? {
  transport: switchable, connect: open,
  output: (l) => {
    if (where !== 'rebootwait' || (stallHop !== undefined && hop !== stallHop)) return;
    if (l.startsWith('rebooting ')) { reboots++; waited = false; }
    if (l.startsWith('waiting for') && !waited) { waited = true; if (reboots === index) stall(); }
  },
  config: rebootConfig({ bootIdFile, machineIdFile: process.env.FERRY_E2E_MACHINE_ID_FILE ?? '', command: ['sh', labBoot({ dir: join(dirname(bootIdFile), 'lab-boot'), root, bootIdFile, ...bootFaults, ...sshdBoot }).script], backoffMs: 20, maxBackoffMs: 100, timeoutMs: 60_000, ...(ssh ? { attemptTimeoutMs: 3000 } : {}) }),
} : undefined;
let untars = -1;
// The real transport; only the `untar` stall point looks at the commands it runs.
const transport: Transport = where !== 'untar' ? local : new Proxy(local, {
  get(target, prop, receiver) {
    if (prop !== 'run') return Reflect.get(target, prop, receiver) as unknown;
    return (argv: readonly string[], opts?: RunOptions) => {
      if (argv[0] === 'tar' && argv.includes('-xpf') && ++untars === index) stall();
      return target.run(argv, opts);
    };
  },
});
if (process.env.FERRY_E2E_MODE === 'migrate') {
  await migrateRoute({ transport, target: process.env.FERRY_E2E_TARGET ?? '', repos: (process.env.FERRY_E2E_REPO ?? '').split('\n'), gpgcheck: false, onProgress,
    ...(process.env.FERRY_E2E_PES ? { pes: process.env.FERRY_E2E_PES.split('\n') } : {}), ...(rebootWait ? { rebootWait } : {}) });
} else if (process.env.FERRY_E2E_MODE === 'rollback') {
  await rollback({ transport, onProgress });
} else if (process.env.FERRY_E2E_MODE === 'rollback-route') {
  const res = await rollbackRoute({ transport, onProgress, ...(rebootWait ? { rebootWait } : {}) });
  writeSync(1, `ROUTE-ROLLBACK ${res.hops.map((h) => `${h.hop}:${h.outcome}`).join(' ')} runs=${res.runs}\n`);
} else {
  // FERRY_E2E_OVERRIDE: `ferry resume --override KEY=REASON`, one a line; FERRY_E2E_BY: the operator.
  const overrides = (process.env.FERRY_E2E_OVERRIDE ?? '').split('\n').filter(Boolean).map((o) => ({ findingKey: o.split('=')[0], reason: o.slice(o.indexOf('=') + 1) }));
  const res = await resumeRoute({ transport, onProgress, ...(rebootWait ? { rebootWait } : {}), ...(overrides.length ? { overrides } : {}), ...(process.env.FERRY_E2E_BY ? { by: process.env.FERRY_E2E_BY } : {}) });
  writeSync(1, `RESULT ${res.hops[res.hops.length - 1]?.result.status ?? 'none'}\n`);
}
writeSync(1, 'DONE\n');
await transport.close();
