/**
 * The port between Ferry's one set of store queries (sql-store.ts) and a database: SQLite (better-sqlite3)
 * or PostgreSQL (pg). Queries are written once with `?` placeholders in the SQL subset both dialects share;
 * a driver translates the placeholders and owns what cannot be shared (connections, locking, transactions).
 */

export type Dialect = 'sqlite' | 'postgres';
/** A bound parameter. Booleans and dates are not used: the schema keeps TEXT timestamps and INTEGER flags. */
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Rows of a statement (a SELECT, or a write with RETURNING). */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `fn` in one transaction holding the write lock from its start: SQLite's BEGIN IMMEDIATE (one
   * writer per file), PostgreSQL's READ COMMITTED with row locks taken by the statements themselves. Commits
   * when `fn` resolves, rolls back when it rejects. Only `tx` may be used inside `fn`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`, leaving quoted literals and identifiers alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** `(?, ?, …)` for an IN list of `count` values; an empty list never matches. */
export function inList(count: number): string {
  return count === 0 ? '(NULL)' : `(${Array.from({ length: count }, () => '?').join(', ')})`;
}
