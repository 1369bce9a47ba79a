/**
 * Host selectors: which hosts of the inventory a command or a rollout means. Pure: the caller gives each
 * host's groups, labels, collected source release and readiness per target.
 *
 * Terms, combined as Ansible host patterns are (ansible-core 2.14 `InventoryManager._split_pattern`,
 * `order_patterns`, `_evaluate_patterns`): `,` (or `:`) separates terms; a term starting `&` intersects, `!`
 * excludes; the plain terms are united first, then every `&` applied, then every `!`, whatever their order;
 * with no plain term the start is all hosts. So `web:&prod:!db` is web hosts in prod, minus db.
 * A term naming something no host has (a group, label, host, release or target) is SELECTOR_UNKNOWN with
 * the close matches; a glob that matches nothing is too, since an empty selection is a typo far more
 * often than an intent.
 */
import { closeMatches, FerryError, globToRegExp, isGlob, READINESS } from '../core/index.js';

export interface SelectableHost {
  name: string;
  /** Inventory groups, ancestors included. */
  groups: readonly string[];
  labels?: Readonly<Record<string, string>>;
  /** The collected source release (e.g. centos-8), when known. */
  release?: string | null;
  /** Readiness per target (ready | risks | blocked | not-assessed), when assessed. */
  readiness?: Readonly<Record<string, string>>;
}

/** The selector syntax, for --help. */
export const SELECTOR_HELP = `Selectors (Ansible host-pattern syntax):
  all, *                        every host;   ungrouped: hosts in no group
  web, group:web                hosts in group web (or its child groups); globs: group:web*
  host:web01, host:web*         hosts by name (glob);   ~web0[1-3]: regex over group and host names
  label:env=prod, label:env     hosts with that label (value may be a glob), or with the label at all
  release:centos-8              hosts whose collected source release is centos-8
  readiness:rocky-8=ready       hosts whose assessment for rocky-8 is ready|risks|blocked|not-assessed
  A,B  or  A:B                  union;   A:&B  intersection;   A:!B  exclusion (e.g. web:&prod:!db)`;

const KINDS = new Set(['group', 'host', 'label', 'release', 'readiness']);

function invalid(selector: string, why: string): FerryError {
  return new FerryError('SELECTOR_INVALID', `selector ${JSON.stringify(selector)}: ${why}`, { hint: SELECTOR_HELP });
}

/** The terms of a selector, as Ansible splits a pattern (`,` or `:`), keeping `kind:value` terms whole. */
export function splitSelector(selector: string): string[] {
  const terms: string[] = [];
  for (const chunk of selector.split(',')) {
    const parts = chunk.split(':');
    for (let i = 0; i < parts.length; i++) {
      let t = parts[i].trim();
      if (KINDS.has(t.replace(/^[&!]/, '')) && i + 1 < parts.length) t = `${t}:${parts[++i].trim()}`;
      terms.push(t);
    }
  }
  if (terms.some((t) => t === '' || t === '&' || t === '!')) throw invalid(selector, 'an empty term (two separators in a row, or one at an end)');
  return terms;
}


function unknown(term: string, what: string, candidates: Iterable<string>, hint?: string): FerryError {
  const close = closeMatches(what, [...new Set(candidates)]);
  return new FerryError('SELECTOR_UNKNOWN', `selector term ${JSON.stringify(term)}: no host has ${JSON.stringify(what)}${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, {
    hint: hint ?? 'ferry inventory list shows the hosts, their groups and labels.',
    details: { term, closeMatches: close },
  });
}

/** Matches names exactly, or by glob; refuses a name nothing has. */
function matchNames(term: string, pattern: string, universe: readonly string[]): Set<string> {
  if (!isGlob(pattern)) {
    if (!universe.includes(pattern)) throw unknown(term, pattern, universe);
    return new Set([pattern]);
  }
  const re = globToRegExp(pattern);
  const hit = new Set(universe.filter((n) => re.test(n)));
  if (!hit.size) throw unknown(term, pattern, universe);
  return hit;
}

/** The names of the hosts `selector` picks from `hosts`, in the hosts' order. `groups` adds groups no host is in. */
export function selectHosts(selector: string, hosts: readonly SelectableHost[], options: { groups?: readonly string[] } = {}): string[] {
  const terms = splitSelector(selector.trim());
  const allGroups = [...new Set([...(options.groups ?? []), ...hosts.flatMap((h) => h.groups)])].filter((g) => g !== 'all' && g !== 'ungrouped');
  const hostNames = hosts.map((h) => h.name);
  const inGroups = (gs: Set<string>): Set<string> => new Set(hosts.filter((h) => h.groups.some((g) => gs.has(g))).map((h) => h.name));

  const evaluate = (term: string): Set<string> => {
    if (term === 'all' || term === '*') return new Set(hostNames);
    // Ansible's implicit group: the hosts in no other group
    if (term === 'ungrouped' || term === 'group:ungrouped') return new Set(hosts.filter((h) => h.groups.every((g) => g === 'ungrouped')).map((h) => h.name));
    const colon = term.indexOf(':');
    const kind = colon > 0 && KINDS.has(term.slice(0, colon)) ? term.slice(0, colon) : undefined;
    const value = kind ? term.slice(colon + 1) : term;
    if (value === '') throw invalid(selector, `term ${JSON.stringify(term)} names nothing`);
    switch (kind) {
      case 'group': return inGroups(matchNames(term, value, allGroups));
      case 'host': return matchNames(term, value, hostNames);
      case 'label': {
        const eq = value.indexOf('=');
        const key = eq < 0 ? value : value.slice(0, eq);
        const keys = hosts.flatMap((h) => Object.keys(h.labels ?? {}));
        if (!keys.includes(key)) throw unknown(term, key, keys, 'Labels come from the inventory variable ferry_labels ("k=v,k=v" or a mapping) and from Ferry (source: the assessed release).');
        if (eq < 0) return new Set(hosts.filter((h) => h.labels?.[key] !== undefined).map((h) => h.name));
        const values = hosts.flatMap((h) => (h.labels?.[key] !== undefined ? [h.labels[key]] : []));
        const wanted = matchNames(term, value.slice(eq + 1), values);
        return new Set(hosts.filter((h) => wanted.has(h.labels?.[key] ?? '\0')).map((h) => h.name));
      }
      case 'release': {
        const releases = hosts.flatMap((h) => (h.release ? [h.release] : []));
        if (!releases.length) throw unknown(term, value, [], 'No host has a collected source release yet: collect facts first (ferry collect).');
        const wanted = matchNames(term, value, releases);
        return new Set(hosts.filter((h) => h.release && wanted.has(h.release)).map((h) => h.name));
      }
      case 'readiness': {
        const eq = value.indexOf('=');
        const target = eq < 0 ? value : value.slice(0, eq);
        const state = eq < 0 ? '' : value.slice(eq + 1);
        if (!(READINESS as readonly string[]).includes(state)) throw invalid(selector, `term ${JSON.stringify(term)}: readiness is TARGET=${READINESS.join('|')}`);
        const targets = hosts.flatMap((h) => Object.keys(h.readiness ?? {}));
        if (!targets.includes(target)) throw unknown(term, target, targets, 'No host has an assessment for that target: assess the fleet against it first.');
        return new Set(hosts.filter((h) => h.readiness?.[target] === state).map((h) => h.name));
      }
      default: {
        if (value.startsWith('~')) {
          // Ansible's regex form: re.match (anchored at the start only) over group and host names
          let re: RegExp;
          try { re = new RegExp(`^(?:${value.slice(1)})`); } catch { throw invalid(selector, `term ${JSON.stringify(term)} is not a valid regular expression`); }
          const hit = new Set([...inGroups(new Set(allGroups.filter((g) => re.test(g)))), ...hostNames.filter((n) => re.test(n))]);
          if (!hit.size) throw unknown(term, value, [...allGroups, ...hostNames]);
          return hit;
        }
        // a bare name: a group, else a host (Ansible's _enumerate_matches looks at both)
        if (!isGlob(value)) {
          if (allGroups.includes(value)) return inGroups(new Set([value]));
          if (hostNames.includes(value)) return new Set([value]);
          throw unknown(term, value, [...allGroups, ...hostNames]);
        }
        const re = globToRegExp(value);
        const hit = new Set([...inGroups(new Set(allGroups.filter((g) => re.test(g)))), ...hostNames.filter((n) => re.test(n))]);
        if (!hit.size) throw unknown(term, value, [...allGroups, ...hostNames]);
        return hit;
      }
    }
  };

  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  let picked = new Set<string>();
  for (const t of plain.length ? plain : ['all']) for (const n of evaluate(t)) picked.add(n);
  for (const t of terms.filter((x) => x.startsWith('&'))) { const that = evaluate(t.slice(1)); picked = new Set([...picked].filter((n) => that.has(n))); }
  for (const t of terms.filter((x) => x.startsWith('!'))) { const that = evaluate(t.slice(1)); picked = new Set([...picked].filter((n) => !that.has(n))); }
  return hostNames.filter((n) => picked.has(n));
}
