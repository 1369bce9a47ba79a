/** Splits the facts script's output (script.ts) into sections and files. Pure. */
import { assert, FerryError } from '../core/index.js';

export interface ScriptFile { path: string; content: string }
export interface ScriptSection {
  name: string;
  /** Text before the first FILE marker. */
  body: string;
  files: ScriptFile[];
  stderr: string;
  /** The section's exit status; undefined when the END marker never came (output cut short). */
  code?: number;
}

export function splitScriptOutput(output: string, nonce: string, host = 'host'): Map<string, ScriptSection> {
  assert(/^[A-Za-z0-9]{8,64}$/.test(nonce), 'nonce must be alphanumeric');
  const marker = new RegExp(`\\n${nonce} (BEGIN|FILE|STDERR|END) ([^\\n]*)\\n`, 'g');
  const sections = new Map<string, ScriptSection>();
  let current: ScriptSection | undefined;
  let target: 'body' | 'file' | 'stderr' = 'body';
  let last = 0;
  const append = (text: string): void => {
    if (!current) return;
    if (target === 'body') current.body += text;
    else if (target === 'stderr') current.stderr += text;
    else current.files[current.files.length - 1].content += text;
  };
  let m: RegExpExecArray | null;
  // Each marker starts with '\n' that the script added; the text between markers is taken verbatim.
  const text = output.startsWith('\n') ? output : `\n${output}`;
  while ((m = marker.exec(text))) {
    append(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, kind, arg] = m;
    if (kind === 'BEGIN') {
      current = { name: arg, body: '', files: [], stderr: '' };
      sections.set(arg, current);
      target = 'body';
    } else if (kind === 'FILE' && current) {
      current.files.push({ path: arg, content: '' });
      target = 'file';
    } else if (kind === 'STDERR') {
      target = 'stderr';
    } else if (kind === 'END' && current) {
      const code = Number(arg.split(' ').pop());
      if (Number.isInteger(code)) current.code = code;
      current = undefined;
    }
  }
  append(text.slice(last));
  if (sections.size === 0) {
    throw new FerryError('FACTS_PARSE', `The facts script printed no sections on ${host}`, {
      hint: 'Check that /bin/sh works for the login user on the host.',
    });
  }
  return sections;
}

/** key=value lines of a section body. */
export function keyValues(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of body.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !(line.slice(0, i) in out)) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
