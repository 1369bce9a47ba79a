/** Arguments that would run commands or split words if any layer passed them through a shell unquoted. */
export const HOSTILE_ARGS: readonly string[] = [
  '$(touch /tmp/ferry-pwned)', '`touch /tmp/ferry-pwned`', ';rm -rf /tmp/ferry-nothing', "it's", '"double"',
  'two\nlines', 'back\\slash', '*', '~', '-n', '', ' lead and trail ', '$HOME', '!!', 'a\'b"c$d`e\\f', '\t', 'ünïcödé', '|&<>(){}#',
];
