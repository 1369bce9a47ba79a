/**
 * A rollout's settings (issue 16 item 4): canary, waves, concurrency caps, stop threshold, approval gate and
 * maintenance windows, as one JSON document (`RolloutSpec`, stored with the rollout) with its schema, built from
 * the `ferry rollout` flags by `parseRolloutFlags` and read back by `parseRolloutSpec`. Pure: no clock, no I/O.
 *
 * Sizes follow Ansible's `serial` (see waves.ts); the stop threshold is rollout-wide (see `failureLimit`).
 */
import { checkDocument, compileSchema, type DocumentOrigin, type SchemaOf } from '../core/index.js';
import { parseDuration, usage } from './flags.js';
import { parseWindows, type RolloutWindow } from './window.js';

/**
 * A host count or a percentage of the rollout's hosts (`2`, `30%`), converted by `amountToCount`. Types, not
 * interfaces, here and below: a spec is plain JSON, assignable to JsonValue for the store without a cast.
 */
export type Amount = {
  value: number;
  unit: 'hosts' | 'percent';
};

export type RolloutSpec = {
  formatVersion: 1;
  /** The canary wave (wave 0), or null for none; counts out of the total like every wave. */
  canary: Amount | null;
  /** Ansible `serial` after the canary: the last size repeats until hosts run out; [] = one wave of the rest (waves.ts). */
  waves: Amount[];
  /** Most hosts queued or running in the whole rollout at once; null = no cap beyond the wave. */
  concurrency: number | null;
  /** Most hosts queued or running from one wave at once; null = no cap. */
  waveConcurrency: number | null;
  /** At most `max` hosts queued or running per value of the host label/var `by` (e.g. `ha_pair`). */
  groupCap: { by: string; max: number } | null;
  /** The stop threshold: the rollout halts once this many hosts have failed (see `failureLimit`). */
  maxFailures: Amount;
  /** What releases wave 1 once the canary finished: nothing (`none`), an operator, or a soak time. */
  gate: 'none' | 'manual' | 'auto';
  /** The auto gate's soak time, counted from the last canary host's end; 0 for the other gates. */
  soakSeconds: number;
  /** When hosts may start; [] = any time. */
  windows: RolloutWindow[];
  /** No host starts later than this before its window's end. */
  cutoffSeconds: number;
};

export const ROLLOUT_STATES = ['created', 'running', 'awaiting-approval', 'paused', 'halted', 'completed', 'aborted'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
export const ROLLOUT_HOST_STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type RolloutHostState = (typeof ROLLOUT_HOST_STATES)[number];

const AMOUNT_SCHEMA: SchemaOf<Amount> = {
  type: 'object',
  properties: { value: { type: 'integer', minimum: 1 }, unit: { type: 'string', enum: ['hosts', 'percent'] } },
  required: ['value', 'unit'],
  additionalProperties: false,
};
const COUNT = { type: 'integer', minimum: 1, nullable: true } as const;

export const ROLLOUT_SPEC_SCHEMA: SchemaOf<RolloutSpec> = {
  type: 'object',
  properties: {
    formatVersion: { type: 'integer', const: 1 },
    canary: { ...AMOUNT_SCHEMA, nullable: true },
    waves: { type: 'array', items: AMOUNT_SCHEMA },
    concurrency: COUNT,
    waveConcurrency: COUNT,
    groupCap: {
      type: 'object', nullable: true,
      properties: { by: { type: 'string', minLength: 1 }, max: { type: 'integer', minimum: 1 } },
      required: ['by', 'max'], additionalProperties: false,
    },
    maxFailures: AMOUNT_SCHEMA,
    gate: { type: 'string', enum: ['none', 'manual', 'auto'] },
    soakSeconds: { type: 'integer', minimum: 0 },
    windows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, nullable: true },
          startMinute: { type: 'integer', minimum: 0, maximum: 1439 },
          minutes: { type: 'integer', minimum: 1 },
          utcOffsetMinutes: { type: 'integer', minimum: -1440, maximum: 1440 },
          from: { type: 'string', nullable: true },
          to: { type: 'string', nullable: true },
        },
        required: ['text', 'days', 'startMinute', 'minutes', 'utcOffsetMinutes', 'from', 'to'],
        additionalProperties: false,
      },
    },
    cutoffSeconds: { type: 'integer', minimum: 0 },
  },
  required: ['formatVersion', 'canary', 'waves', 'concurrency', 'waveConcurrency', 'groupCap', 'maxFailures', 'gate', 'soakSeconds', 'windows', 'cutoffSeconds'],
  additionalProperties: false,
};
const specValidator = compileSchema<RolloutSpec>(ROLLOUT_SPEC_SCHEMA);

/** A stored spec read back (the store's `spec` column), or DOCUMENT_INVALID with every error's JSON path. */
export function parseRolloutSpec(value: unknown, origin: DocumentOrigin): RolloutSpec {
  return checkDocument(specValidator, value, origin);
}

/** The `ferry rollout` flags, as the CLI received them (all optional). */
export interface RolloutFlags {
  canary?: string;
  waves?: string;
  concurrency?: string;
  waveConcurrency?: string;
  /** `KEY=N`, or `N` with `capGroupBy`. */
  groupCap?: string;
  capGroupBy?: string;
  maxFailures?: string;
  gate?: string;
  soak?: string;
  /** Repeatable; each may hold several windows separated by `;`. */
  window?: string | readonly string[];
  cutoff?: string;
}

/** The default stop threshold: the first failed host halts the rollout (a fleet operator raises it on purpose). */
export const DEFAULT_MAX_FAILURES: Amount = { value: 1, unit: 'hosts' };

/**
 * The spec the flags describe, or USAGE naming the first bad flag with its accepted forms. Defaults: no canary,
 * one wave, no caps, halt on the first failure, no gate (`--soak` alone means `--gate auto`), any time.
 */
export function parseRolloutFlags(f: RolloutFlags): RolloutSpec {
  const canary = f.canary === undefined ? null : parseAmount('--canary', f.canary);
  const waves = f.waves === undefined ? [] : f.waves.split(',').map((w) => parseAmount('--waves', w.trim(), f.waves));
  const gate = parseGate(f);
  if (gate !== 'none' && canary === null) {
    const [flag, value] = f.gate !== undefined ? ['--gate', f.gate] : ['--soak', f.soak ?? ''];
    throw usage(flag, value, 'a gate holds the waves after a canary: give --canary N or N% too');
  }
  const soakSeconds = f.soak === undefined ? 0 : parseDuration('--soak', f.soak);
  const cutoffSeconds = f.cutoff === undefined ? 0 : parseDuration('--cutoff', f.cutoff);
  const windowTexts = f.window === undefined ? [] : typeof f.window === 'string' ? [f.window] : f.window;
  const windows = parseWindows(windowTexts.flatMap((w) => w.split(';')).map((w) => w.trim()).filter((w) => w !== ''));
  if (f.cutoff !== undefined && windows.length === 0) throw usage('--cutoff', f.cutoff, 'a cutoff applies to a maintenance window: give --window too');
  for (const w of windows) {
    if (w.minutes * 60 <= cutoffSeconds) throw usage('--cutoff', f.cutoff ?? '', `the window '${w.text}' is not longer than the cutoff, so no host could ever start in it`);
  }
  return {
    formatVersion: 1,
    canary,
    waves,
    concurrency: f.concurrency === undefined ? null : parseCount('--concurrency', f.concurrency),
    waveConcurrency: f.waveConcurrency === undefined ? null : parseCount('--wave-concurrency', f.waveConcurrency),
    groupCap: parseGroupCap(f),
    maxFailures: f.maxFailures === undefined ? DEFAULT_MAX_FAILURES : parseAmount('--max-failures', f.maxFailures),
    gate,
    soakSeconds,
    windows,
    cutoffSeconds,
  };
}

/**
 * An amount as a host count out of `total`, exactly as Ansible's `pct_to_int` (lib/ansible/utils/helpers.py):
 * `int((pct / 100.0) * total) or 1` — the same double arithmetic, truncated, at least 1 — and a count as it is.
 */
export function amountToCount(a: Amount, total: number): number {
  return a.unit === 'hosts' ? a.value : Math.trunc((a.value / 100) * total) || 1;
}

/**
 * The stop threshold as a host count: a count as given; a percentage of the rollout's **total** host count,
 * rounded as waves are (amountToCount). The rollout halts once failed hosts reach it (>=).
 *
 * Why the total and not Ansible's rule: `max_fail_percentage` is judged per batch and strictly (`pct <
 * failed * 100 / len(batch)`), so a 100% wave of 1,000 hosts could break 99 before a "10%" play stopped, while
 * a percentage of the hosts started so far halts on the very first failure of any early host. A percentage of
 * the fleet is one figure known before the rollout starts ("5% of 200 = halt at 10 broken hosts"), shown by
 * describeSpec; failures of retried hosts stop counting, skipped hosts never count.
 */
export function failureLimit(spec: Pick<RolloutSpec, 'maxFailures'>, total: number): number {
  return amountToCount(spec.maxFailures, total);
}

const AMOUNT_FORMS = 'a host count (2) or a percentage of the hosts (30%)';

function parseAmount(flag: string, text: string, whole = text): Amount {
  const m = /^([1-9][0-9]{0,6})(%?)$/.exec(text);
  if (!m) throw usage(flag, whole, `each value is ${AMOUNT_FORMS}, a whole number from 1${flag === '--waves' ? ', comma-separated (30%,100%)' : ''}`);
  const value = Number(m[1]);
  if (m[2] === '%' && value > 100) throw usage(flag, whole, `a percentage is at most 100% (${text})`);
  return { value, unit: m[2] === '%' ? 'percent' : 'hosts' };
}

function parseCount(flag: string, text: string): number {
  if (!/^[1-9][0-9]{0,6}$/.test(text)) throw usage(flag, text, 'a whole number of hosts from 1');
  return Number(text);
}

function parseGate(f: RolloutFlags): RolloutSpec['gate'] {
  if (f.gate === undefined) return f.soak === undefined ? 'none' : 'auto';
  if (f.gate !== 'manual' && f.gate !== 'auto' && f.gate !== 'none') throw usage('--gate', f.gate, 'manual (an operator approves after the canary), auto (released after --soak once every canary host verified) or none');
  if (f.soak !== undefined && f.gate !== 'auto') throw usage('--soak', f.soak, 'a soak time belongs to the auto gate: --gate auto --soak 10m');
  return f.gate;
}

const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function parseGroupCap(f: RolloutFlags): RolloutSpec['groupCap'] {
  const forms = 'KEY=N (at most N running hosts per value of the host label or var KEY, e.g. ha_pair=1), or N with --cap-group-by KEY';
  if (f.groupCap === undefined) {
    if (f.capGroupBy !== undefined) throw usage('--cap-group-by', f.capGroupBy, `it names the key of --group-cap: ${forms}`);
    return null;
  }
  const m = /^(?:([^=]+)=)?([0-9]+)$/.exec(f.groupCap);
  const by = m?.[1] ?? f.capGroupBy;
  if (!m || by === undefined || !LABEL_KEY.test(by) || (m[1] !== undefined && f.capGroupBy !== undefined && f.capGroupBy !== m[1])) {
    throw usage('--group-cap', f.groupCap, forms);
  }
  return { by, max: parseCount('--group-cap', m[2]) };
}

/** `2`, `30%`. */
export function formatAmount(a: Amount): string {
  return a.unit === 'hosts' ? String(a.value) : `${a.value}%`;
}
