/**
 * A repository: its repomd.xml, and every data file it lists as a decompressed, checksum-verified stream.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import { FerryError } from '../../core/errors.js';
import type { Checksum } from '../types.js';
import { decompress, type DecompressLimits } from './decompress.js';
import {
  DEFAULT_MAX_BYTES, fetchFile, fetchSmall, hashAlgorithm, parseRepoLocation, resolveHref, type FetchOptions, type RepoBase,
} from './fetch.js';
import { createXmlTokenizer } from './xml.js';

export interface RepomdData {
  /** primary, filelists, other, updateinfo, modules, group, group_gz, primary_db … */
  type: string;
  /** location href, relative to the repository root. */
  location: string;
  locationBase?: string;
  checksum?: Checksum;
  openChecksum?: Checksum;
  size?: number;
  openSize?: number;
  timestamp?: number;
  /** Set on sqlite entries (primary_db …), which Ferry does not read. */
  databaseVersion?: number;
}

export interface Repomd {
  revision?: string;
  data: RepomdData[];
}

export type OpenRepoOptions = FetchOptions & DecompressLimits;

export interface Repo {
  /** The location as given to openRepo. */
  location: string;
  repomd: Repomd;
  /** The repomd entry of a type, or undefined. */
  entry(type: string): RepomdData | undefined;
  /**
   * The decompressed bytes of a data file. The compressed checksum is verified before the stream is
   * returned; the open-checksum (when repomd has one) as the stream ends: a mismatch is an error on
   * the stream, so results are trustworthy only once the stream ended without error.
   */
  openData(type: string): Promise<Readable>;
}

/** Parses repomd.xml (a small file, parsed from memory with the same safe tokenizer). */
export function parseRepomd(xml: Uint8Array, file = 'repomd.xml'): Repomd {
  const repomd: Repomd = { data: [] };
  let cur: RepomdData | undefined;
  let sawRoot = false;
  const num = (s: string | undefined, what: string): number => {
    const n = Number((s ?? '').trim());
    if (s === undefined || !Number.isFinite(n)) {
      throw new FerryError('REPO_METADATA', `${file}: <${what}> of ${cur?.type ?? '?'} is not a number`);
    }
    return n;
  };
  let checksumType = '';
  const t = createXmlTokenizer({
    open(name, a) {
      if (!sawRoot) {
        sawRoot = true;
        if (name !== 'repomd') throw new FerryError('REPO_METADATA', `${file}: root element is <${name}>, not <repomd>`);
        return false;
      }
      if (name === 'data') {
        cur = { type: a.get('type') ?? '', location: '' };
        return false;
      }
      if (name === 'revision') return true;
      if (cur === undefined) return false;
      switch (name) {
        case 'location': {
          cur.location = a.get('href') ?? '';
          const b = a.get('xml:base');
          if (b !== undefined) cur.locationBase = b;
          return false;
        }
        case 'checksum': case 'open-checksum':
          checksumType = a.get('type') ?? '';
          return true;
        case 'size': case 'open-size': case 'timestamp': case 'database_version':
          return true;
        default: return false;
      }
    },
    close(name, text) {
      if (name === 'revision' && cur === undefined) { repomd.revision = (text ?? '').trim(); return; }
      if (cur === undefined) return;
      switch (name) {
        case 'data':
          if (cur.type === '' || cur.location === '') {
            throw new FerryError('REPO_METADATA', `${file}: a <data> entry without type or location`);
          }
          repomd.data.push(cur);
          cur = undefined;
          return;
        case 'checksum': cur.checksum = { type: checksumType, value: (text ?? '').trim().toLowerCase() }; return;
        case 'open-checksum': cur.openChecksum = { type: checksumType, value: (text ?? '').trim().toLowerCase() }; return;
        case 'size': cur.size = num(text, name); return;
        case 'open-size': cur.openSize = num(text, name); return;
        case 'timestamp': cur.timestamp = num(text, name); return;
        case 'database_version': cur.databaseVersion = num(text, name); return;
      }
    },
  }, { name: file, maxTokenBytes: 1024 * 1024 });
  t.write(xml);
  t.end();
  return repomd;
}

/** Passes bytes through and fails the stream at its end when their digest is not `expected`. */
function verifyDigest(file: string, expected: Checksum, what: string): Transform {
  const h = createHash(hashAlgorithm(expected.type, file));
  return new Transform({
    transform(chunk: Buffer, _enc, cb) { h.update(chunk); cb(null, chunk); },
    flush(cb) {
      const actual = h.digest('hex');
      if (actual === expected.value) cb();
      else cb(checksumError(file, expected, actual, what));
    },
  });
}

function checksumError(file: string, expected: Checksum, actual: string, what: string): FerryError {
  return new FerryError('REPO_CHECKSUM',
    `${file}: ${what} mismatch: repomd.xml expects ${expected.type}:${expected.value}, got ${expected.type}:${actual}`,
    { hint: 'The mirror may be mid-sync or tampered with; retry or use another mirror.' });
}

/**
 * repomd.xml is an index of a few KiB (CentOS Stream 9 AppStream's is 4.4 KiB in ../shared/data/repodata):
 * one larger than this is refused before it is parsed, whatever `maxBytes` allows the data files.
 */
export const REPOMD_MAX_BYTES = 4 * 1024 * 1024;

async function readRepomd(base: RepoBase, location: string, options: OpenRepoOptions): Promise<Repomd> {
  const cap = Math.min(options.maxBytes ?? REPOMD_MAX_BYTES, REPOMD_MAX_BYTES);
  const tooLarge = (file: string, size: string): FerryError => new FerryError('REPO_TOO_LARGE',
    `${location}: ${file} is ${size} bytes, over the cap of ${cap} for a repomd.xml`,
    { hint: 'The mirror serves something other than repository metadata; check it or use another mirror.' });
  if (base.kind === 'http') {
    const url = new URL('repodata/repomd.xml', base.base).href;
    return parseRepomd(await fetchSmall(url, { ...options, maxBytes: cap }, (size) => tooLarge(url, size)), url);
  }
  const path = join(base.root, 'repodata', 'repomd.xml');
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size > cap) throw tooLarge(path, String(size));
  let xml: Buffer;
  try {
    xml = await readFile(path);
  } catch (err) {
    throw new FerryError('REPO_FETCH', `${location}: no readable repodata/repomd.xml (${(err as Error).message})`,
      { cause: err, hint: 'Give the directory that contains repodata/, or its URL.' });
  }
  if (xml.length > cap) throw tooLarge(path, String(xml.length));
  return parseRepomd(xml, path);
}

/** Opens a repository: a local directory containing repodata/, a file:// URL, or an http(s) URL. */
export async function openRepo(location: string, options: OpenRepoOptions = {}): Promise<Repo> {
  const base = parseRepoLocation(location);
  const repomd = await readRepomd(base, location, options);
  const entry = (type: string): RepomdData | undefined => repomd.data.find((d) => d.type === type);
  return {
    location,
    repomd,
    entry,
    async openData(type: string): Promise<Readable> {
      const d = entry(type);
      if (d === undefined) {
        throw new FerryError('NOT_FOUND', `${location}: repomd.xml lists no '${type}' metadata`,
          { details: { available: repomd.data.map((x) => x.type) } });
      }
      const path = resolveHref(base, d.location);
      // A file larger than repomd.xml declares is refused as it arrives, before it is checksummed or decompressed.
      const cap = Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, d.size ?? Infinity);
      const fetched = await fetchFile(path, {
        ...options,
        maxBytes: cap,
        hash: d.checksum ? hashAlgorithm(d.checksum.type, path) : undefined,
      }, (size) => new FerryError('REPO_TOO_LARGE', `${location}: ${type} metadata ${path} is ${size} bytes, over ${
        d.size !== undefined && cap === d.size ? `the ${d.size} repomd.xml declares for it` : `the cap of ${cap} (maxBytes)`}`,
      { hint: 'The mirror may be mid-sync or serving something else; retry or use another mirror.' }));
      if (d.checksum && fetched.digest !== d.checksum.value) {
        throw checksumError(path, d.checksum, fetched.digest ?? '', 'checksum');
      }
      const raw = await decompress(fetched.open(), {
        name: path, maxExpandedBytes: options.maxExpandedBytes, maxRatio: options.maxRatio, openSize: d.openSize,
      });
      if (!d.openChecksum) return raw;
      return pipeline(raw, verifyDigest(path, d.openChecksum, 'open-checksum (of the decompressed data)'),
        () => { /* errors surface on the returned stream */ });
    },
  };
}

/** Collects a stream into a string; for small metadata (comps, updateinfo) when streaming is moot. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
