/** Test data shared by the parser tests and the app's comparison with ansible-inventory. */

/** Inventories Ferry refuses, each at its file:line. `ansible` says whether ansible-inventory refuses it too (checked in src/app/inventory.test.ts); where it does not, the name says why Ferry does. */
export const BAD_INVENTORIES: Array<{ name: string; file: string; text: string; line: number; message: RegExp; ansible: 'rejects' | 'accepts' }> = [
  { name: 'unknown section type', file: 'a.ini', text: 'h1\n[web:foo]\nh2\n', line: 2, message: /unknown type "foo"/, ansible: 'rejects' },
  { name: 'child group never declared', file: 'a.ini', text: '[p:children]\nweb\nnope\n[web]\nh1\n', line: 3, message: /\[p:children\] names group "nope"/, ansible: 'rejects' },
  { name: 'vars of a group never declared', file: 'a.ini', text: 'h1\n[nope:vars]\na=1\n', line: 2, message: /\[nope:vars\]/, ansible: 'rejects' },
  { name: 'a vars line without =', file: 'a.ini', text: '[all:vars]\nok=1\njunk\n', line: 3, message: /expected key=value, got "junk"/, ansible: 'rejects' },
  { name: 'a host variable without =', file: 'a.ini', text: 'h1 a=1 junk\n', line: 1, message: /host variable, got "junk"/, ansible: 'rejects' },
  { name: 'an unclosed quote', file: 'a.ini', text: '\n\nh1 a="x\n', line: 3, message: /unclosed quote/, ansible: 'rejects' },
  { name: 'two words as a child group', file: 'a.ini', text: '[p:children]\na b\n', line: 2, message: /expected a group name, got "a b"/, ansible: 'rejects' },
  { name: 'a range without an end', file: 'a.ini', text: 'w[1:]\n', line: 1, message: /must specify end value/, ansible: 'rejects' },
  { name: 'a range with unequal widths', file: 'a.ini', text: 'ok\nw[01:100]\n', line: 2, message: /equal-length/, ansible: 'rejects' },
  { name: 'a descending letter range', file: 'a.ini', text: 'w[c:a]\n', line: 1, message: /begin <= end/, ansible: 'rejects' },
  { name: 'a section with a space', file: 'a.ini', text: '[a b]\n', line: 1, message: /invalid section "\[a b\]"/, ansible: 'rejects' },
  { name: 'an unterminated section', file: 'a.ini', text: '[web\nh1\n', line: 1, message: /no closing '\]'/, ansible: 'rejects' },
  { name: 'a group loop', file: 'a.ini', text: '[a:children]\nb\n[b:children]\na\n', line: 4, message: /creates a loop/, ansible: 'rejects' },
  { name: 'a port out of range (Ferry only: it could never be connected to)', file: 'a.ini', text: 'h1:99999\n', line: 1, message: /port 99999 is not a TCP port/, ansible: 'accepts' },
  { name: 'a host name that is an ssh option (Ferry only)', file: 'a.ini', text: 'ok\n-oProxyCommand=x\n', line: 2, message: /starts with '-'/, ansible: 'accepts' },
  { name: 'a host name with a slash (Ferry only: it names a host_vars file)', file: 'a.ini', text: '../../etc/passwd\n', line: 1, message: /contains '\/'/, ansible: 'accepts' },
  { name: 'YAML syntax', file: 'a.yml', text: 'all:\n  hosts:\n    a: {x: 1\n    b:\n', line: 4, message: /YAML/, ansible: 'rejects' },
  { name: 'YAML: not a mapping', file: 'a.yml', text: '- a\n- b\n', line: 1, message: /mapping of groups/, ansible: 'rejects' },
  { name: 'YAML: hosts as a list', file: 'a.yml', text: 'all:\n  hosts: [a, b]\n', line: 2, message: /hosts must be a mapping/, ansible: 'rejects' },
  { name: 'YAML: a group as a list', file: 'a.yml', text: 'all:\n  children:\n    g: [x]\n', line: 3, message: /group "g" is not a mapping/, ansible: 'rejects' },
  { name: 'YAML: a misspelt key (Ansible warns and drops the hosts; Ferry refuses)', file: 'a.yml', text: 'all:\n  host:\n    a:\n', line: 2, message: /key "host"; only hosts, children and vars/, ansible: 'accepts' },
  { name: 'YAML: a bad range', file: 'a.yml', text: 'all:\n  hosts:\n    w[01:100]:\n', line: 3, message: /equal-length/, ansible: 'rejects' },
  { name: 'CSV without a name column', file: 'a.csv', text: 'host,address\nh1,10.0.0.1\n', line: 1, message: /no "name" column/, ansible: 'accepts' },
  { name: 'CSV with a short row', file: 'a.csv', text: 'name,address\nh1,10.0.0.1\nh2\n', line: 3, message: /1 fields where the header has 2/, ansible: 'accepts' },
  { name: 'CSV with an unclosed quote', file: 'a.csv', text: 'name,address\nh1,"10.0.0.1\n', line: 2, message: /never closed/, ansible: 'accepts' },
  { name: 'CSV with a port that is not a number', file: 'a.csv', text: 'name,port\nh1,ssh\n', line: 2, message: /port "ssh" is not a number/, ansible: 'accepts' },
];

