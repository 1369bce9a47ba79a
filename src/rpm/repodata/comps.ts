import { FerryError } from '../../core/index.js';
import { createXmlTokenizer } from './xml.js';

/**
 * comps (group) metadata reader: groups, environments, categories and langpacks, as libcomps and dnf
 * read them (https://github.com/rpm-software-management/libcomps, comps.dtd). Defaults follow yum's
 * comps.py: a group is not `default` and is `uservisible` unless it says otherwise; a packagereq
 * without a type is mandatory.
 */

export type PackageReqType = 'mandatory' | 'default' | 'optional' | 'conditional';

export interface CompsPackageReq {
  name: string;
  type: PackageReqType;
  /** For `conditional`: the package whose presence pulls this one in. */
  requires?: string;
  basearchonly?: boolean;
}

/** Text with its translations: `xml:lang` → text. */
export interface CompsText {
  text: string;
  translations: Record<string, string>;
}

interface CompsItem {
  id: string;
  name: CompsText;
  description: CompsText;
  displayOrder?: number;
}

export interface CompsGroup extends CompsItem {
  default: boolean;
  uservisible: boolean;
  langonly?: string;
  packages: CompsPackageReq[];
}

export interface CompsEnvironment extends CompsItem {
  groups: string[];
  /** Optional groups; `default` marks the ones selected unless the user deselects them. */
  options: { id: string; default: boolean }[];
}

export interface CompsCategory extends CompsItem {
  groups: string[];
}

export interface CompsLangpack {
  name: string;
  /** Package name pattern, `%s` standing for the language code. */
  install: string;
}

export interface Comps {
  groups: CompsGroup[];
  environments: CompsEnvironment[];
  categories: CompsCategory[];
  langpacks: CompsLangpack[];
}

export interface ReadCompsOptions {
  /** Names the file in error messages. */
  file: string;
}

const REQ_TYPES = new Set<string>(['mandatory', 'default', 'optional', 'conditional']);
const TEXT = new Set(['id', 'name', 'description', 'default', 'uservisible', 'langonly', 'display_order', 'packagereq', 'groupid']);

/** Reads a (decompressed) comps.xml stream. */
export async function readComps(source: AsyncIterable<Uint8Array>, options: ReadCompsOptions): Promise<Comps> {
  const file = options.file;
  const comps: Comps = { groups: [], environments: [], categories: [], langpacks: [] };
  type Kind = 'group' | 'environment' | 'category';
  let kind: Kind | undefined;
  let item: (CompsGroup & CompsEnvironment & CompsCategory) | undefined;
  let list: 'grouplist' | 'optionlist' | 'packagelist' | undefined;
  let lang: string | undefined;
  let req: Omit<CompsPackageReq, 'name'> | undefined;
  let optionDefault = false;
  const fail = (msg: string): never => {
    throw new FerryError('REPO_METADATA', `${file}: ${kind ?? 'comps'}${item?.id ? ` ${item.id}` : ''}: ${msg}`);
  };

  const tokenizer = createXmlTokenizer({
    open(name, attrs) {
      if (name === 'group' || name === 'environment' || name === 'category') {
        if (kind) fail(`<${name}> inside <${kind}>`);
        kind = name;
        item = {
          id: '', name: { text: '', translations: {} }, description: { text: '', translations: {} },
          default: false, uservisible: true, packages: [], groups: [], options: [],
        };
        return false;
      }
      if (name === 'match') {
        const n = attrs.get('name');
        const install = attrs.get('install');
        if (!n || !install) fail('<match> without name or install');
        comps.langpacks.push({ name: n as string, install: install as string });
        return false;
      }
      if (!item) return false;
      if (name === 'grouplist' || name === 'optionlist' || name === 'packagelist') list = name;
      if (name === 'name' || name === 'description') lang = attrs.get('xml:lang');
      if (name === 'packagereq') {
        const type = attrs.get('type') ?? 'mandatory';
        if (!REQ_TYPES.has(type)) fail(`packagereq type "${type}" is not one of mandatory, default, optional, conditional`);
        const requires = attrs.get('requires');
        const basearchonly = attrs.get('basearchonly');
        req = {
          type: type as PackageReqType,
          ...(requires ? { requires } : {}),
          ...(basearchonly !== undefined ? { basearchonly: isTrue(basearchonly) } : {}),
        };
      }
      if (name === 'groupid') optionDefault = isTrue(attrs.get('default') ?? 'false');
      return TEXT.has(name);
    },
    close(name, text) {
      if (!item || !kind) return;
      const value = text?.trim() ?? '';
      switch (name) {
        case 'group': case 'environment': case 'category': {
          if (!item.id) fail('no <id>');
          const base: CompsItem = {
            id: item.id, name: item.name, description: item.description,
            ...(item.displayOrder !== undefined ? { displayOrder: item.displayOrder } : {}),
          };
          if (kind === 'group') {
            comps.groups.push({
              ...base, default: item.default, uservisible: item.uservisible,
              ...(item.langonly ? { langonly: item.langonly } : {}), packages: item.packages,
            });
          } else if (kind === 'environment') comps.environments.push({ ...base, groups: item.groups, options: item.options });
          else comps.categories.push({ ...base, groups: item.groups });
          kind = undefined;
          item = undefined;
          return;
        }
        case 'grouplist': case 'optionlist': case 'packagelist': list = undefined; return;
        case 'id': item.id = value; return;
        case 'name': case 'description':
          if (lang) item[name].translations[lang] = value;
          else item[name].text = value;
          lang = undefined;
          return;
        case 'default': item.default = isTrue(value); return;
        case 'uservisible': item.uservisible = isTrue(value); return;
        case 'langonly': item.langonly = value; return;
        case 'display_order': {
          const n = Number(value);
          if (!Number.isInteger(n)) fail(`display_order "${value}" is not an integer`);
          item.displayOrder = n;
          return;
        }
        case 'packagereq':
          if (!req || value === '') fail('empty <packagereq>');
          item.packages.push({ name: value, ...(req as Omit<CompsPackageReq, 'name'>) });
          req = undefined;
          return;
        case 'groupid':
          if (value === '') fail('empty <groupid>');
          if (list === 'optionlist') item.options.push({ id: value, default: optionDefault });
          else item.groups.push(value);
          return;
      }
    },
  }, { name: file });

  let prolog: Uint8Array | undefined = new Uint8Array(0);
  for await (const chunk of source) {
    if (prolog === undefined) {
      tokenizer.write(chunk);
      continue;
    }
    prolog = concat(prolog, chunk);
    const ready = blankExternalDoctype(prolog);
    if (ready) {
      tokenizer.write(ready);
      prolog = undefined;
    }
  }
  if (prolog !== undefined) tokenizer.write(blankExternalDoctype(prolog, true) as Uint8Array);
  tokenizer.end();
  return comps;
}

const PROLOG_LIMIT = 64 * 1024;
const LITERAL = `(?:"[^"<>]*"|'[^'<>]*')`;
const EXTERNAL_DOCTYPE = new RegExp(
  `^(\\uFEFF?\\s*(?:<\\?xml[^<>]*\\?>)?\\s*(?:<!--(?:(?!-->)[^])*-->\\s*)*)` +
  `(<!DOCTYPE\\s+[A-Za-z_][\\w.:-]*(?:\\s+(?:PUBLIC\\s+${LITERAL}\\s+${LITERAL}|SYSTEM\\s+${LITERAL}))?\\s*>)`,
);

/**
 * Real comps files start with `<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">`,
 * which the shared tokenizer refuses like every DTD. A DOCTYPE that only names an external DTD (no
 * internal subset, so no entity can be declared) is harmless as long as nothing loads it: it is blanked
 * out here (replaced by spaces, so byte offsets in later errors stay true). Any other declaration is
 * passed through for the tokenizer to refuse.
 *
 * Returns the bytes to feed, or undefined while the prolog is still incomplete.
 */
function blankExternalDoctype(prolog: Uint8Array, atEnd = false): Uint8Array | undefined {
  const head = Buffer.from(prolog.buffer, prolog.byteOffset, Math.min(prolog.length, PROLOG_LIMIT)).toString('latin1');
  const start = /<[^?!]/.exec(head); // the first element (a lone trailing '<' may still become '<!')
  const doctype = head.indexOf('<!DOCTYPE');
  if (doctype === -1 || (start && start.index < doctype)) {
    return start || atEnd || prolog.length >= PROLOG_LIMIT ? prolog : undefined;
  }
  const m = EXTERNAL_DOCTYPE.exec(head);
  if (!m) {
    // incomplete or not external-only: wait for more unless no more can come
    return head.indexOf('>', doctype) !== -1 || atEnd || prolog.length >= PROLOG_LIMIT ? prolog : undefined;
  }
  const out = new Uint8Array(prolog);
  out.fill(0x20, m[1].length, m[1].length + m[2].length);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function isTrue(v: string): boolean {
  return /^(true|1|yes)$/i.test(v.trim());
}
