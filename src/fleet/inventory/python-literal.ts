/**
 * Python's `ast.literal_eval` over the values Ansible's INI inventory reads (host-line and [group:vars]
 * values both pass through it in ansible-core 2.14, `InventoryModule._parse_value`): ints (decimal, 0x, 0o,
 * 0b, underscores), floats, strings with Python escapes (adjacent ones joined), True/False/None, lists,
 * tuples (bare `1,2` too) and dicts. Anything else is not a literal and Ansible keeps the text as a string,
 * as this does (`parseIniValue`); sets, bytes and complex numbers are kept as text too, since they have
 * no JSON form.
 */
import type { JsonValue } from '../../core/index.js';

class NotLiteral extends Error {}

const NUMBER = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;

function parseNumber(tok: string): number {
  const t = tok.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  // Python 3 refuses a decimal integer with a leading zero ("007"), but not 0, 00 or a float (07.5).
  if (/^0\d+$/.test(t) && !/^0+$/.test(t)) throw new NotLiteral();
  if (!/\d/.test(t)) throw new NotLiteral();
  return Number(t);
}

function parser(src: string): { value: () => JsonValue; end: () => boolean } {
  let i = 0;
  const ws = (): void => { while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++; };
  const peek = (): string => { ws(); return src[i] ?? ''; };

  function str(): string {
    const prefix = /^[rRuU]?/.exec(src.slice(i))?.[0] ?? '';
    const raw = prefix.toLowerCase() === 'r';
    i += prefix.length;
    const q = src.startsWith(src[i].repeat(3), i) ? src[i].repeat(3) : src[i];
    i += q.length;
    let out = '';
    for (;;) {
      if (i >= src.length) throw new NotLiteral();
      if (src.startsWith(q, i)) { i += q.length; return out; }
      const c = src[i];
      if (c === '\\' && !raw) {
        const d = src[i + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
        if (d in simple) { out += simple[d]; i += 2; continue; }
        const hex = d === 'x' ? /^[0-9a-fA-F]{2}/ : d === 'u' ? /^[0-9a-fA-F]{4}/ : d === 'U' ? /^[0-9a-fA-F]{8}/ : undefined;
        if (hex) {
          const m = hex.exec(src.slice(i + 2));
          if (!m) throw new NotLiteral();
          out += String.fromCodePoint(parseInt(m[0], 16));
          i += 2 + m[0].length;
          continue;
        }
        const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1));
        if (oct) { out += String.fromCodePoint(parseInt(oct[0], 8)); i += 1 + oct[0].length; continue; }
        out += c;
        i++;
        continue;
      }
      if (raw && c === '\\' && i + 1 < src.length) { out += c + src[i + 1]; i += 2; continue; }
      if (q.length === 1 && c === '\n') throw new NotLiteral();
      out += c;
      i++;
    }
  }

  function seq(close: string): JsonValue[] {
    const items: JsonValue[] = [];
    while (peek() !== close) {
      items.push(atom());
      if (peek() === ',') i++;
      else if (peek() !== close) throw new NotLiteral();
    }
    i++;
    return items;
  }

  function atom(): JsonValue {
    const c = peek();
    if (c === '[') { i++; return seq(']'); }
    if (c === '(') {
      i++;
      // (x) is x, (x,) and (x, y) are tuples
      const start = i;
      if (peek() === ')') { i++; return []; }
      const first = atom();
      if (peek() === ')') { i++; return first; }
      i = start;
      return seq(')');
    }
    if (c === '{') {
      i++;
      const out: Record<string, JsonValue> = {};
      if (peek() === '}') { i++; return out; }
      for (;;) {
        const k = atom();
        // a set ({1, 2}) has no JSON form; a key must be a string or number to be a JSON key
        if (peek() !== ':' || (typeof k !== 'string' && typeof k !== 'number')) throw new NotLiteral();
        i++;
        out[String(k)] = atom();
        if (peek() === ',') { i++; if (peek() === '}') { i++; return out; } continue; }
        if (peek() === '}') { i++; return out; }
        throw new NotLiteral();
      }
    }
    if (/^[rRuU]?['"]/.test(src.slice(i))) {
      let s = str();
      while (/^[rRuU]?['"]/.test(src.slice(i).replace(/^[ \t]+/, ''))) { ws(); s += str(); }
      return s;
    }
    if (c === '-' || c === '+') {
      i++;
      const v = atom();
      if (typeof v !== 'number') throw new NotLiteral();
      return c === '-' ? -v : v;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))?.[0];
    if (word !== undefined) {
      i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new NotLiteral();
    }
    const num = NUMBER.exec(src.slice(i))?.[0] ?? '';
    if (num === '') throw new NotLiteral();
    i += num.length;
    if (/^[jJA-Za-z_]/.test(src[i] ?? '')) throw new NotLiteral();
    return parseNumber(num);
  }

  return {
    value: () => {
      const first = atom();
      if (peek() !== ',') return first;
      // a bare tuple: 1, 2
      const items = [first];
      while (peek() === ',') {
        i++;
        if (peek() === '') break;
        items.push(atom());
      }
      return items;
    },
    end: () => peek() === '',
  };
}

/** The value Ansible's INI inventory gives `text`: its Python literal when it is one, else the text itself. */
export function parseIniValue(text: string): JsonValue {
  const src = text.replace(/^[ \t]+/, '');
  if (src === '') return text;
  try {
    const p = parser(src);
    const v = p.value();
    return p.end() ? v : text;
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}
