/**
 * Escaping for the report formats: text that came from a host, a file or a document (package names, vendors,
 * repo ids, a mirror's error) is data. Each escape first passes core's `redact`, so a secret in such text (a
 * repository URL's credentials, a password hash, a private key) never reaches a report, whichever renders it.
 */
import { redact } from '../core/index.js';

/** HTML text and attribute values (double- or single-quoted). */
export function escapeHtml(text: string): string {
  return redact(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Markdown inline text: HTML-significant characters become entities (a Markdown renderer passes raw HTML
 * through), Markdown syntax characters are backslash-escaped, newlines become spaces (a table cell is one line).
 */
export function escapeMarkdown(text: string): string {
  return redact(text)
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** Markdown code span content: backticks cannot be escaped inside one, so the fence grows to fit. */
export function markdownCode(raw: string): string {
  const text = redact(raw);
  const clean = text.replace(/\r?\n/g, ' ').replace(/[<>&|]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '|': '&#124;' })[c] ?? c);
  // In a code span entities are literal; tables would still split on '|', so code spans holding markup go through <code>.
  if (/[<>&|`]/.test(text)) return `<code>${clean}</code>`;
  return `\`${text}\``;
}

/** Terminal text: control characters (escape sequences a hostile name could carry) are shown as \xNN. */
export function escapeTerminal(text: string): string {
  return redact(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
