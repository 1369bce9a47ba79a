/**
 * Host patterns as Ansible's file inventories read them (`BaseFileInventoryPlugin._expand_hostpattern`,
 * `parse_address(allow_ranges=True)` and `expand_hostname_range` in ansible-core 2.14): an optional `:port`
 * (`host:2222`, `[::1]:2222`; a bare IPv6 address takes none), then `[a:b]`/`[a:b:step]` ranges, numeric
 * (leading zeros fix the width: `web[01:50]`) or alphabetic (`db-[a:f]`), expanded left to right.
 */

/** Why a range is refused: Ansible's own wording. */
export class HostRangeError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expands every `[begin:end(:step)]` in `pattern`; a pattern without '[' is itself. */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new HostRangeError(`host range in ${JSON.stringify(pattern)} has no closing ']'`);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError('host range must be begin:end or begin:end:step');
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (end === '') throw new HostRangeError('host range must specify end value');
  if (!Number.isInteger(step) || step < 1) throw new HostRangeError(`host range step ${JSON.stringify(bounds[2])} is not a positive integer`);
  const width = beg[0] === '0' && beg.length > 1 ? beg.length : 0;
  if (width && width !== end.length) throw new HostRangeError('host range must specify equal-length begin and end formats');
  let seq: string[];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new HostRangeError('host range must have begin <= end');
    seq = [];
    for (let k = ib; k <= ie; k += step) seq.push(LETTERS[k]);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new HostRangeError(`host range [${bounds.join(':')}] is neither numeric nor a single-letter range`);
    const b = Number(beg);
    const e = Number(end);
    if (e - b > 1_000_000) throw new HostRangeError(`host range [${bounds.join(':')}] expands to more than a million hosts`);
    seq = [];
    for (let k = b; k <= e; k += step) seq.push(width ? String(k).padStart(width, '0') : String(k));
  }
  return seq.flatMap((s) => expandHostRange(head + s + tail));
}

/** Splits `host:port` (the port as Ansible reads it: digits after the one colon outside brackets). */
export function splitHostPort(pattern: string): { pattern: string; port?: number } {
  const v6 = /^\[([^\]]*:[^\]]*)\](?::(\d+))?$/.exec(pattern);
  if (v6) return { pattern: v6[1], ...(v6[2] !== undefined ? { port: Number(v6[2]) } : {}) };
  let depth = 0;
  const colons: number[] = [];
  for (let k = 0; k < pattern.length; k++) {
    if (pattern[k] === '[') depth++;
    else if (pattern[k] === ']') depth--;
    else if (pattern[k] === ':' && depth === 0) colons.push(k);
  }
  if (colons.length !== 1) return { pattern };
  const port = pattern.slice(colons[0] + 1);
  if (!/^\d+$/.test(port)) return { pattern };
  return { pattern: pattern.slice(0, colons[0]), port: Number(port) };
}

/** The host names and port a host pattern stands for. */
export function expandHostPattern(text: string): { names: string[]; port?: number } {
  const { pattern, port } = splitHostPort(text);
  return { names: expandHostRange(pattern), ...(port !== undefined ? { port } : {}) };
}
