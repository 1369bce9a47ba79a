/**
 * A Berkeley DB rpm database, as CentOS 7 and 8 hosts keep it (/var/lib/rpm/Packages): the headers of an sqlite
 * rpmdb loaded by libdb's own db_load into a Hash database keyed by the native-endian header number, as rpm's
 * BDB backend stores them. Debian's rpm reads it through bdb_ro (it cannot write it: an EL8-shaped lab host
 * with this database is read-only for rpm until `rpmdb --rebuilddb` converts it to sqlite, as Leapp's el8toel9
 * does with the target's rpm before the upgrade transaction: leapp-repository dnfplugin.py _rebuild_rpm_db).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BDB_INDEXES } from '../../src/facts/parse-rpm.js';

// db_load -T reads one key line and one data line per record, each byte of both as \hh.
const hex = (b: Buffer): string => { let s = ''; for (const x of b) s += `\\${x < 16 ? '0' : ''}${x.toString(16)}`; return s; };
const u32 = (n: number): Buffer => { const k = Buffer.alloc(4); k.writeUInt32LE(n); return k; };

function dbLoad(file: string, type: 'hash' | 'btree', records: [Buffer, Buffer][]): void {
  const load = spawnSync('db5.3_load', ['-T', '-t', type, file], { input: records.map(([k, v]) => `${hex(k)}\n${hex(v)}\n`).join(''), maxBuffer: 1 << 30 });
  if (load.status !== 0) throw new Error(`db5.3_load ${file} failed (${load.status}): ${String(load.stderr)}`);
}

/**
 * Writes a Berkeley DB rpm database into dir from the sqlite one in sqliteFile, as rpm 4.14 (EL8) lays it out
 * (lib/backend/db3.c): Packages a Hash database of headers keyed by header number; each index a Btree keyed by
 * the tag value (strings without their NUL, binary and integer keys as stored), whose data is the list of
 * (header number, tag index) pairs, two native-endian uint32 each. The index contents are rpm's own: copied
 * from the sqlite database's index tables, which rpm wrote. Returns the number of headers.
 */
export function writeBerkeleyRpmdb(sqliteFile: string, dir: string, options: { indexes?: boolean } = {}): number {
  const sqlite = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all() as { hnum: number; blob: Buffer }[];
    dbLoad(join(dir, 'Packages'), 'hash', rows.map((r) => [u32(r.hnum), r.blob]));
    if (options.indexes !== false) {
      for (const index of BDB_INDEXES) {
        const byKey = new Map<string, { key: Buffer; items: Buffer[] }>();
        for (const r of sqlite.prepare(`SELECT key, hnum, idx FROM '${index}' ORDER BY hnum, idx`).all() as { key: string | Buffer; hnum: number; idx: number }[]) {
          const key = typeof r.key === 'string' ? Buffer.from(r.key, 'utf8') : Buffer.from(r.key);
          const id = key.toString('latin1');
          const entry = byKey.get(id) ?? { key, items: [] };
          entry.items.push(u32(r.hnum), u32(r.idx));
          byKey.set(id, entry);
        }
        dbLoad(join(dir, index), 'btree', [...byKey.values()].map((e) => [e.key, Buffer.concat(e.items)]));
      }
    }
    return rows.length;
  } finally {
    sqlite.close();
  }
}

/** Replaces the sqlite rpmdb of root (under /var/lib/rpm) with a Berkeley DB one holding the same headers. */
export function convertRootToBerkeleyRpmdb(root: string): number {
  const dir = join(root, 'var', 'lib', 'rpm');
  // A WAL-mode database may hold committed pages in its -wal file: checkpoint before reading the main file alone.
  const db = new Database(join(dir, 'rpmdb.sqlite'), { fileMustExist: true });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const n = writeBerkeleyRpmdb(join(dir, 'rpmdb.sqlite'), dir);
  for (const f of ['rpmdb.sqlite', 'rpmdb.sqlite-shm', 'rpmdb.sqlite-wal']) rmSync(join(dir, f), { force: true });
  return n;
}
