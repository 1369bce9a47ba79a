/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded in
 * schema_migrations. A published migration is never edited; changes are new numbers. The SQL keeps to
 * the subset SQLite and PostgreSQL share where it can (TEXT timestamps in ISO 8601 UTC, JSON as TEXT).
 */
export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE hosts (
  name TEXT PRIMARY KEY,
  address TEXT,
  labels TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE fact_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host_name TEXT NOT NULL REFERENCES hosts(name),
  collected_at TEXT NOT NULL,
  facts TEXT NOT NULL
);
CREATE INDEX fact_snapshots_host ON fact_snapshots(host_name, collected_at);
CREATE TABLE assessments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host_name TEXT NOT NULL REFERENCES hosts(name),
  target TEXT NOT NULL,
  fact_snapshot_id INTEGER REFERENCES fact_snapshots(id),
  created_at TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE INDEX assessments_host ON assessments(host_name, created_at);
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  host_name TEXT NOT NULL REFERENCES hosts(name),
  target TEXT NOT NULL,
  created_at TEXT NOT NULL,
  plan TEXT NOT NULL
);
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  plan_id TEXT,
  host_name TEXT,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE journal_entries (
  execution_id TEXT NOT NULL REFERENCES executions(id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (execution_id, seq)
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  host_name TEXT,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_after TEXT NOT NULL,
  lease_owner TEXT,
  lease_expires_at TEXT,
  last_error TEXT,
  result TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_claim ON jobs(state, run_after, id);
`,
  },
];
