/**
 * The reboot boundary for a host opened with `openHost`: its connection wrapped so it can be replaced, and
 * reconnection with the same host options (host key checked against the same known_hosts). Local hosts and
 * installed roots cannot be rebooted by Ferry: none is built for them (the restorer then asks the operator).
 */
import type { ProgressEvent } from '../core/index.js';
import { rebootConfig, switchableTransport, type RebootConfig, type RebootWait, type SwitchableTransport } from '../exec/reboot.js';
import type { Transport } from '../transport/index.js';
import { openHost, type HostOptions } from './host.js';

export type { RebootConfig, RebootWait } from '../exec/reboot.js';

export function rebootWaitFor(transport: Transport, host: HostOptions, config: Partial<RebootConfig>, onProgress?: (e: ProgressEvent) => void): { transport: SwitchableTransport; rebootWait: RebootWait } | undefined {
  if (transport.kind !== 'ssh') return undefined;
  const switchable = switchableTransport(transport);
  return {
    transport: switchable,
    rebootWait: {
      transport: switchable,
      connect: () => openHost(host),
      config: rebootConfig(config),
      output: (line) => onProgress?.({ scope: 'output', phase: 'line', message: line }),
    },
  };
}
