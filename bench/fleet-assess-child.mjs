// The measured side of bench/fleet-assess.mjs, in its own process (its peak RSS is the fleet assessment's):
// argv[2] = JSON {storePath, targets, repos, today}. Prints JSON {durationMs, maxRssKiB, cpuMs, summary, sampleRows} where
// sampleRows maps host → target → score for the run's rows (the parent compares a sample with ferry assess).
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const { storePath, targets, repos, today } = JSON.parse(process.argv[2]);
const { assessFleet } = await import(join(root, 'dist', 'app', 'fleet-assess.js'));
const { openSqliteStore } = await import(join(root, 'dist', 'store', 'index.js'));
const store = openSqliteStore({ path: storePath });
await store.migrate();
const summary = await assessFleet({ store, targets, repos, today });
const rows = await store.listFleetAssessments(summary.runId);
await store.close();
const sampleRows = {};
for (const r of rows) (sampleRows[r.hostName] ??= {})[r.target] = r.score;
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ durationMs: summary.durationMs, maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, summary: { ...summary, notAssessed: summary.notAssessed.length }, sampleRows }));
