/**
 * Host tables as CSV (RFC 4180: a header row, `"` quotes with `""` inside, quoted fields may hold commas and
 * newlines). Columns: `name` (required), `address`, `port`, `user`, `identity_file`, `groups` (`;`-separated);
 * any other column becomes a host variable (text; empty cells are left out). The connection columns become
 * the Ansible connection variables, so every format reaches the host's connection through one rule.
 */
import { inventoryError, type InventoryData } from './inventory-data.js';

const CONNECTION_COLUMNS: Record<string, string> = { address: 'ansible_host', port: 'ansible_port', user: 'ansible_user', identity_file: 'ansible_ssh_private_key_file' };

/** The records of `text`, each with the line it starts on. */
function readRecords(text: string, file: string): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endField = (): void => { fields.push(wasQuoted ? field : field.trim()); field = ''; wasQuoted = false; };
  const endRecord = (): void => {
    endField();
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) out.push({ line: start, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (field.trim() !== '') throw inventoryError({ file, line }, `a quote inside an unquoted field: ${JSON.stringify(field + c)}`);
      field = '';
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      if (wasQuoted && c !== ' ' && c !== '\t') throw inventoryError({ file, line }, `text after a closing quote: ${JSON.stringify(c)}`);
      field += c;
    }
  }
  if (quoted) throw inventoryError({ file, line: start }, 'a quoted field is never closed');
  if (field !== '' || fields.length) endRecord();
  return out;
}

/** Reads the CSV host table `text` (the file `file`) into `data`. */
export function parseCsvInventory(text: string, file: string, data: InventoryData): void {
  const records = readRecords(text.replace(/^\uFEFF/, ''), file);
  if (!records.length) return;
  const header = records[0].fields.map((h) => h.toLowerCase());
  const at0 = { file, line: records[0].line };
  if (!header.includes('name')) throw inventoryError(at0, `the header row ${JSON.stringify(records[0].fields.join(','))} has no "name" column`, { hint: 'The first row names the columns: name,address,port,user,identity_file,groups,…' });
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw inventoryError(at0, `column ${JSON.stringify(dup)} appears twice in the header row`);
  for (const r of records.slice(1)) {
    const at = { file, line: r.line };
    if (r.fields.length !== header.length) throw inventoryError(at, `${r.fields.length} fields where the header has ${header.length}: ${JSON.stringify(r.fields.join(','))}`);
    const row = Object.fromEntries(header.map((h, i) => [h, r.fields[i]]));
    const name = row.name;
    const groups = (row.groups ?? '').split(';').map((g) => g.trim()).filter(Boolean);
    data.addHost(name, undefined, at);
    for (const g of groups) data.addHost(name, g, at);
    for (const [col, value] of Object.entries(row)) {
      if (col === 'name' || col === 'groups' || value === '') continue;
      if (col === 'port' && !/^\d+$/.test(value)) throw inventoryError(at, `host ${JSON.stringify(name)}: port ${JSON.stringify(value)} is not a number`);
      data.setHostVar(name, CONNECTION_COLUMNS[col] ?? col, col === 'port' ? Number(value) : value);
    }
  }
}
