/**
 * Python's `shlex.split(line, comments=True, posix=True)`, which Ansible's INI inventory uses for host
 * lines: whitespace separates words, '…' quotes literally, "…" quotes with \" and \\ escapes, a bare
 * backslash escapes the next character, and '#' outside quotes ends the line.
 * Returns undefined for an unclosed quote or a trailing escape (Python's "No closing quotation" /
 * "No escaped character").
 */
export function shlexSplit(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#') {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        const d = line[i];
        if (d === '"') { i++; break; }
        if (d === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) { word += line[i + 1]; i += 2; continue; }
        word += d;
        i++;
      }
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return undefined;
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
