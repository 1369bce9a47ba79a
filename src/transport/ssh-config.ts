/**
 * A small ~/.ssh/config reader: the keywords Ferry honours (Host, HostName, Port, User, IdentityFile,
 * IdentitiesOnly, ProxyJump, UserKnownHostsFile, ConnectTimeout, StrictHostKeyChecking). As in ssh_config(5),
 * the first value obtained for a keyword wins, Host patterns take * ? and !negation, and keywords are
 * case-insensitive. `Match` blocks and `Include` are not evaluated: their lines are skipped (reported).
 */
import { homedir } from 'node:os';

export interface SshHostConfig {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  identitiesOnly?: boolean;
  proxyJump?: string;
  userKnownHostsFiles: string[];
  connectTimeoutSeconds?: number;
  strictHostKeyChecking?: string;
  /** Directives this reader does not evaluate (Match, Include), with their line numbers. */
  ignored: string[];
}

interface Entry { line: number; key: string; value: string; args: string[] }

function splitArgs(value: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) out.push(m[1] ?? m[2]);
  return out;
}

function parseLines(text: string): Entry[] {
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z]+)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) return;
    entries.push({ line: i + 1, key: m[1].toLowerCase(), value: m[2].trim(), args: splitArgs(m[2].trim()) });
  });
  return entries;
}

/** ssh_config pattern match: * and ? wildcards, case-insensitive. */
export function matchPattern(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(text);
}

/** A Host line's pattern list matches when some positive pattern matches and no negated one does. */
export function matchHostPatterns(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) { if (matchPattern(p.slice(1), host)) return false; } else if (matchPattern(p, host)) matched = true;
  }
  return matched;
}

function expand(value: string, ctx: { host: string; hostName: string; user?: string; port: number }, home: string): string {
  return value
    .replace(/^~(?=\/|$)/, home)
    .replace(/%(.)/g, (all, c: string) => {
      switch (c) {
        case '%': return '%';
        case 'h': return ctx.hostName;
        case 'n': return ctx.host;
        case 'p': return String(ctx.port);
        case 'r': return ctx.user ?? '';
        case 'd': return home;
        default: return all;
      }
    });
}

/**
 * The aliases a config names outright: the patterns of its Host lines without wildcards or negation
 * (`Host web1 web2` names two; `Host *.prod` none), each with its line, in file order, once each.
 */
export function sshConfigHostAliases(text: string): Array<{ alias: string; line: number }> {
  const seen = new Set<string>();
  const out: Array<{ alias: string; line: number }> = [];
  for (const e of parseLines(text)) {
    if (e.key !== 'host') continue;
    for (const p of e.args) {
      if (/[*?!]/.test(p) || seen.has(p)) continue;
      seen.add(p);
      out.push({ alias: p, line: e.line });
    }
  }
  return out;
}

export function resolveSshConfig(text: string, host: string, options: { home?: string } = {}): SshHostConfig {
  const home = options.home ?? homedir();
  const out: SshHostConfig = { identityFiles: [], userKnownHostsFiles: [], ignored: [] };
  let active = true; // lines before the first Host apply to every host
  const seen = new Set<string>();
  const raw: Record<string, string[]> = {};
  for (const e of parseLines(text)) {
    if (e.key === 'host') { active = matchHostPatterns(e.args, host); continue; }
    if (e.key === 'match') { active = false; out.ignored.push(`Match at line ${e.line}`); continue; }
    if (e.key === 'include') { out.ignored.push(`Include at line ${e.line}`); continue; }
    if (!active) continue;
    if (e.key === 'identityfile') { raw.identityfile = [...(raw.identityfile ?? []), e.args[0] ?? e.value]; continue; }
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    raw[e.key] = e.args;
  }
  const first = (k: string): string | undefined => raw[k]?.[0];
  if (first('hostname')) out.hostName = first('hostname');
  if (first('port') && /^\d+$/.test(first('port') ?? '')) out.port = Number(first('port'));
  if (first('user')) out.user = first('user');
  if (first('identitiesonly')) out.identitiesOnly = first('identitiesonly')?.toLowerCase() === 'yes';
  if (first('proxyjump') && first('proxyjump')?.toLowerCase() !== 'none') out.proxyJump = first('proxyjump');
  if (first('connecttimeout') && /^\d+$/.test(first('connecttimeout') ?? '')) out.connectTimeoutSeconds = Number(first('connecttimeout'));
  if (first('stricthostkeychecking')) out.strictHostKeyChecking = first('stricthostkeychecking');
  const ctx = { host, hostName: out.hostName ? expand(out.hostName, { host, hostName: host, port: 22 }, home) : host, user: out.user, port: out.port ?? 22 };
  if (out.hostName) out.hostName = ctx.hostName;
  out.identityFiles = (raw.identityfile ?? []).map((f) => expand(f, ctx, home));
  out.userKnownHostsFiles = (raw.userknownhostsfile ?? []).map((f) => expand(f, ctx, home));
  return out;
}
