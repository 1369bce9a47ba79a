import { redact } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing one redacted line per event to stderr (stdout is reserved for command output). */
export function createLogger(options: { level?: LogLevel; json?: boolean; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? (process.env.FERRY_LOG as LogLevel | undefined) ?? 'warn'] ?? ORDER.warn;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const line = options.json
      ? JSON.stringify({ at: new Date().toISOString(), level, msg, ...fields })
      : `${level}: ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`;
    write(redact(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
