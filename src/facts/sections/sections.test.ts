import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SECTIONS, FACTS_SCRIPT, FACTS_SCRIPT_PARTS, factsScriptFor } from '../script.js';
import type { ScriptSection } from '../parse-script.js';
import { HOST_FACTS_FORMAT_VERSION, type HostFacts, type SectionStatus } from '../types.js';
import { FACTS_SECTION_REGISTRY, type SectionInput } from './index.js';
import { memorySection } from './memory.js';
import { osSection } from './os.js';

test('the registry: one section per name, each part defined by its own script and run by the facts script', () => {
  const names = FACTS_SECTION_REGISTRY.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(new Set(FACTS_SCRIPT_PARTS).size, FACTS_SCRIPT_PARTS.length);
  const all = factsScriptFor(FACTS_SECTION_REGISTRY);
  for (const s of FACTS_SECTION_REGISTRY) {
    for (const part of s.parts) {
      assert.match(s.script, new RegExp(`^s_${part}\\(\\) \\{`, 'm'), `${s.name} defines s_${part}`);
      assert.equal(all.split('\n').filter((l) => l.startsWith(`s_${part}() {`)).length, 1, `s_${part} once in the script of every section`);
      assert.equal(FACTS_SCRIPT.split('\n').filter((l) => l.startsWith(`s_${part}() {`)).length, s.onDemand ? 0 : 1, `s_${part} in the default script unless on demand`);
    }
  }
  assert.deepEqual(FACTS_SECTION_REGISTRY.filter((s) => s.onDemand).map((s) => s.name), ['workload']);
  assert.equal(DEFAULT_SECTIONS.length, FACTS_SECTION_REGISTRY.length - 1);
  assert.match(FACTS_SCRIPT, new RegExp(`^for s in ${FACTS_SCRIPT_PARTS.join(' ')}; do$`, 'm'));
});

const section = (name: string, over: Partial<ScriptSection> = {}): ScriptSection => ({ name, body: '', files: [], stderr: '', code: 0, ...over });

function collect(s: typeof osSection, outputs: ScriptSection[], live = true): { status: SectionStatus; facts: HostFacts } {
  const facts: HostFacts = { formatVersion: HOST_FACTS_FORMAT_VERSION, collectedAt: '2026-01-01T00:00:00Z', source: live ? 'live' : 'root', origin: 'h', sections: {} };
  const input: SectionInput = { output: (p) => outputs.find((o) => o.name === p), hostName: 'web01', root: live ? undefined : '/r', live, facts };
  return { status: s.collect(input, facts), facts };
}

test('a section\'s status: ok with its facts, its own error, cut short, not applicable', () => {
  const osFile = { path: '/etc/os-release', content: 'ID="centos"\nVERSION_ID="8"\n' };
  const ok = collect(osSection, [section('os', { files: [osFile] })]);
  assert.deepEqual([ok.status, ok.facts.os?.id, ok.facts.os?.versionId], [{ status: 'ok' }, 'centos', '8']);
  const rows: Array<[typeof osSection, ScriptSection[], SectionStatus]> = [
    [osSection, [section('os')], { status: 'error', message: 'no /etc/os-release or /usr/lib/os-release on web01' }],
    [osSection, [], { status: 'error', message: 'no /etc/os-release or /usr/lib/os-release on web01' }],
    [osSection, [section('os', { files: [osFile], code: undefined })], { status: 'error', message: 'the os section of the facts output was cut short' }],
    [memorySection, [section('memory', { body: 'not-applicable: offline root\n' })], { status: 'not-applicable', reason: 'offline root' }],
    [memorySection, [section('memory', { files: [{ path: '/proc/meminfo', content: 'Cached: 1 kB\n' }] })], { status: 'error', message: 'no MemTotal in /proc/meminfo' }],
  ];
  for (const [s, outputs, want] of rows) {
    const got = collect(s, outputs);
    assert.deepEqual(got.status, want, JSON.stringify(outputs));
    assert.equal(got.facts[s.name], undefined, `${s.name}: no facts without an ok status`);
  }
});
