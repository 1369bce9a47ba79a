import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError, type JsonValue } from '../core/index.js';
import { stateDirFor } from '../exec/journal.js';
import { openStore } from '../store/index.js';
import { createLocalTransport } from '../transport/local.js';
import { readMigrationFindings } from './migration-findings.js';

const WORKLOAD = { before: 'a', after: 'b', ok: true, findings: [{ key: 'workload-diff:crontab-changed:/etc/cron.d/x', check: 'workload-diff', severity: 'medium', groups: [], title: 'The crontab /etc/cron.d/x was changed', summary: 's' }], notCompared: [] };
const DRIFT = { items: [{ path: '/etc/a.conf.rpmnew', kind: 'rpmnew', file: '/etc/a.conf', package: 'a', guidance: 'merge it' }] };

test('readMigrationFindings: the store\'s reports first, else the state dir\'s files; each read through its schema', async () => {
  const rows: Array<{ name: string; stored: Record<string, JsonValue>; onHost: Record<string, object>; want: { workload?: string; drift?: string } | RegExp }> = [
    { name: 'nothing recorded', stored: {}, onHost: {}, want: {} },
    { name: 'from the store', stored: { workload: WORKLOAD, 'config-drift': DRIFT }, onHost: { 'workload.json': { ...WORKLOAD, ok: false } }, want: { workload: 'store', drift: 'store' } },
    { name: 'from the host', stored: {}, onHost: { 'workload.json': WORKLOAD, 'config-drift.json': DRIFT }, want: { workload: 'host', drift: 'host' } },
    { name: 'a damaged stored report', stored: { 'config-drift': { items: [{ path: '/etc/a.conf.rpmnew', kind: 'rpmorig' }] } }, onHost: {}, want: /config-drift report.*test\.db, execution e1/ },
    { name: 'a damaged file on the host', stored: {}, onHost: { 'workload.json': { ok: 'yes' } }, want: /workload report.*host local/ },
  ];
  for (const r of rows) {
    const root = mkdtempSync(join(tmpdir(), 'ferry-findings-'));
    const store = openStore(':memory:');
    const transport = createLocalTransport({ root });
    try {
      await store.migrate();
      await store.createExecution({ id: 'e1', hostName: 'h1' });
      for (const [kind, report] of Object.entries(r.stored)) await store.saveExecutionReport({ executionId: 'e1', kind, report });
      const dir = join(root, stateDirFor('e1'));
      mkdirSync(dir, { recursive: true });
      for (const [file, doc] of Object.entries(r.onHost)) writeFileSync(join(dir, file), JSON.stringify(doc));
      const got = readMigrationFindings({ transport, executionId: 'e1', store, storeName: 'test.db' });
      if (r.want instanceof RegExp) {
        await assert.rejects(got, (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && (r.want as RegExp).test(e.message), r.name);
        continue;
      }
      const f = await got;
      assert.deepEqual({ ...(f.workload ? { workload: f.workload.source } : {}), ...(f.drift ? { drift: f.drift.source } : {}) }, r.want, r.name);
      if (f.workload?.source === 'store') assert.equal(f.workload.report.ok, true, 'the stored report, not the file');
    } finally {
      await transport.close();
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  }
});
