import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRepoInfo, renderRepoQuery, type RepoInfo } from './repo-text.js';

const ESC = '\u001b';

test('renderRepoInfo escapes what the repository metadata says', () => {
  const info: RepoInfo = {
    location: `/srv/m${ESC}[2J`, revision: `r${ESC}]0;x`, dataTypes: ['primary', `evil${ESC}[31m`], packages: 1, sourceRpms: 1, sourcePackages: 0,
    arches: { [`x86_64${ESC}[1m`]: 1 }, newest: [{ nevra: `bash-0:5.1-1.x86_64${ESC}[0m`, buildTime: '2022-01-01T00:00:00.000Z' }],
    modules: { streams: 1, modules: 1, defaults: 0, byModule: { [`nodejs${ESC}`]: [`18${ESC}`] } },
    advisories: { count: 1, byType: { [`bugfix${ESC}`]: 1 }, bySeverity: { None: 1 }, cves: 0 },
    unreadable: [`other${ESC}`],
  };
  const text = renderRepoInfo(info);
  assert.equal(text.includes(ESC), false);
  for (const shown of ['/srv/m\\x1b[2J', 'evil\\x1b[31m', 'x86_64\\x1b[1m 1', 'bash-0:5.1-1.x86_64\\x1b[0m', 'nodejs\\x1b:18\\x1b', 'bugfix\\x1b 1', 'other\\x1b']) {
    assert.ok(text.includes(shown), `${shown} in\n${text}`);
  }
});

test('renderRepoQuery escapes NEVRAs and provides; says when nothing matches', () => {
  const rows: Array<{ list: Parameters<typeof renderRepoQuery>[0]; text: string }> = [
    { list: [], text: 'no packages match' },
    { list: [{ nevra: `a-1-1.noarch${ESC}`, name: 'a', epoch: 0, version: '1', release: '1', arch: 'noarch' }], text: 'a-1-1.noarch\\x1b' },
    { list: [{ nevra: 'a-1-1.noarch', name: 'a', epoch: 0, version: '1', release: '1', arch: 'noarch', provides: [`a = 1${ESC}[K`] }], text: 'a-1-1.noarch\n  a = 1\\x1b[K' },
  ];
  for (const r of rows) assert.equal(renderRepoQuery(r.list), r.text);
});
