/**
 * Repositories Ferry serves to a host from the controller: a plan's repo marked `served` names a directory
 * on the controller (its `file://` baseurl, stable in the plan and its step ids); while a run talks to the
 * host, the app layer serves it there over the SSH connection (src/app/targets.ts reachServedRepos) and
 * binds the URL the host reaches it at here, per connection. The dnf configuration Ferry writes takes the
 * bound URL, so a reconnected run (a new connection, a new forward port) writes the new one, and no
 * configuration is written for a served repository while no forward is open.
 */
import { FerryError } from '../../core/index.js';
import type { Transport } from '../../transport/types.js';
import type { PackageManagerEnv } from './types.js';

/**
 * Per host (Transport.hostName, since a run sees its transport through wrappers such as the runner's
 * journal-syncing proxy): a served repository's controller baseurl → the URL the host reaches it at over
 * the connection that serves it now. A binding is removed when its forward ends, so a dead connection's
 * port is never written into a configuration.
 */
const bound = new Map<string, Map<string, string>>();

/** Records that `transport`'s host reaches the controller's `baseurl` at `url` (until unbindServedRepo). */
export function bindServedRepo(transport: Pick<Transport, 'hostName'>, baseurl: string, url: string): void {
  const map = bound.get(transport.hostName) ?? new Map<string, string>();
  bound.set(transport.hostName, map);
  map.set(baseurl, url);
}

/** Forgets the binding of `baseurl` to `url` (its forward ended); a newer binding to another URL stays. */
export function unbindServedRepo(transport: Pick<Transport, 'hostName'>, baseurl: string, url: string): void {
  const map = bound.get(transport.hostName);
  if (map?.get(baseurl) !== url) return;
  map.delete(baseurl);
  if (map.size === 0) bound.delete(transport.hostName);
}

/**
 * `env` as the host must be given it: each served repository's baseurl replaced by the URL bound for this
 * connection. A served repository without one is refused naming it (no tunnel is open to the host).
 */
export function hostEnv(transport: Pick<Transport, 'hostName'>, env: PackageManagerEnv): PackageManagerEnv {
  if (!env.repos.some((r) => r.served)) return env;
  const map = bound.get(transport.hostName);
  return {
    ...env,
    repos: env.repos.map((r) => {
      if (!r.served) return r;
      const url = map?.get(r.baseurl);
      if (!url) {
        throw new FerryError('REPO_FETCH', `Repository ${r.id} (${r.baseurl}) is served to ${transport.hostName} from the controller, and no forward to it is open on this connection`, {
          hint: 'Run the command with ferry (migrate, resume, rollback) from a controller holding that directory: it serves it over the SSH connection.',
        });
      }
      return { id: r.id, baseurl: url };
    }),
  };
}
