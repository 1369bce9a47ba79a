import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFerryError } from '../../core/index.js';
import { bindServedRepo, hostEnv, unbindServedRepo } from './served.js';
import type { PackageManagerEnv } from './types.js';

const env = (repos: PackageManagerEnv['repos']): PackageManagerEnv => ({ releasever: '8', modulePlatformId: 'platform:el8', gpgcheck: true, repos });
const SERVED = { id: 'ferry-rocky-8-0', baseurl: 'file:///srv/mirror/rocky8', served: true };
const PLAIN = { id: 'ferry-rocky-8-1', baseurl: 'http://mirror.example/rocky8/' };

test('hostEnv: served repositories take the URL bound for the host, the others stay; none bound (or its forward ended) → REPO_FETCH naming it', () => {
  const host = { hostName: 'root@db1:22' };
  const other = { hostName: 'root@db2:22' };
  const noServed = env([PLAIN]);
  assert.equal(hostEnv(host, noServed), noServed, 'nothing served: the env as it is');
  const refused = (t: typeof host): boolean => {
    assert.throws(() => hostEnv(t, env([SERVED, PLAIN])), (e: unknown) => isFerryError(e, 'REPO_FETCH') && e.message.includes('ferry-rocky-8-0') && e.message.includes(t.hostName));
    return true;
  };
  refused(host);
  bindServedRepo(host, SERVED.baseurl, 'http://127.0.0.1:40001/ferry-rocky-8-0/');
  assert.deepEqual(hostEnv(host, env([SERVED, PLAIN])).repos, [{ id: SERVED.id, baseurl: 'http://127.0.0.1:40001/ferry-rocky-8-0/' }, PLAIN]);
  refused(other);
  // a new connection's forward replaces the binding; the old forward ending then leaves it alone
  bindServedRepo(host, SERVED.baseurl, 'http://127.0.0.1:40002/ferry-rocky-8-0/');
  unbindServedRepo(host, SERVED.baseurl, 'http://127.0.0.1:40001/ferry-rocky-8-0/');
  assert.equal(hostEnv(host, env([SERVED])).repos[0].baseurl, 'http://127.0.0.1:40002/ferry-rocky-8-0/');
  unbindServedRepo(host, SERVED.baseurl, 'http://127.0.0.1:40002/ferry-rocky-8-0/');
  refused(host);
});
