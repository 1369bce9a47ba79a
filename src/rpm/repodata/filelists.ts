/** filelists.xml and other.xml readers: per-package records keyed by pkgid, streamed like primary. */
import { FerryError } from '../../core/errors.js';
import { createInterner, parseEpoch, type ReaderOptions } from './primary.js';
import { createXmlTokenizer, streamItems, type ByteSource, type XmlAttributes } from './xml.js';

export interface PackageRef {
  /** The package's checksum, as in primary's <checksum pkgid="YES">. */
  pkgid: string;
  name: string;
  arch: string;
  epoch: number;
  version: string;
  release: string;
}

export interface FilelistEntry extends PackageRef {
  files: string[];
}

export interface ChangelogEntry {
  author: string;
  /** Unix time, as in the changelog's date attribute. */
  date: number;
  text: string;
}

export interface OtherEntry extends PackageRef {
  changelogs: ChangelogEntry[];
}

/** Drives the tokenizer over <package pkgid name arch><version/>children</package> files. */
async function* readPerPackage<T extends PackageRef>(
  source: ByteSource, file: string, intern: (s: string) => string,
  child: { names: string[]; make(ref: PackageRef): T; open(item: T, name: string, a: XmlAttributes): boolean;
    close(item: T, name: string, text: string | undefined): void },
): AsyncGenerator<T> {
  const done: T[] = [];
  let item: T | undefined;
  const t = createXmlTokenizer({
    open(name, a) {
      if (name === 'package') {
        const pkgid = a.get('pkgid');
        const pname = a.get('name');
        if (pkgid === undefined || pname === undefined) {
          throw new FerryError('REPO_METADATA', `${file}: <package> without pkgid or name`);
        }
        item = child.make({
          pkgid, name: intern(pname), arch: intern(a.get('arch') ?? ''), epoch: 0, version: '', release: '',
        });
        return false;
      }
      if (item === undefined) return false;
      if (name === 'version') {
        item.epoch = parseEpoch(a.get('epoch'), () => `${file}: package ${item?.name ?? '?'}`);
        item.version = intern(a.get('ver') ?? '');
        item.release = intern(a.get('rel') ?? '');
        return false;
      }
      return child.open(item, name, a);
    },
    close(name, text) {
      if (item === undefined) return;
      if (name === 'package') {
        done.push(item);
        item = undefined;
        return;
      }
      child.close(item, name, text);
    },
  }, { name: file, names: ['package', 'version', ...child.names] });
  yield* streamItems(t, source, done);
}

/** Parses filelists.xml: every file (and directory, and ghost) of every package. */
export function readFilelists(source: ByteSource, options: ReaderOptions = {}):
AsyncGenerator<FilelistEntry> {
  return readPerPackage<FilelistEntry>(source, options.name ?? 'filelists.xml', options.intern ?? createInterner(), {
    names: ['file'],
    make: (ref) => ({ ...ref, files: [] }),
    open: (_item, name) => name === 'file',
    close: (item, name, text) => { if (name === 'file') item.files.push(text ?? ''); },
  });
}

/** Parses other.xml: the changelog entries of every package. */
export function readOther(source: ByteSource, options: ReaderOptions = {}): AsyncGenerator<OtherEntry> {
  const file = options.name ?? 'other.xml';
  let author = '';
  let date = 0;
  return readPerPackage<OtherEntry>(source, file, options.intern ?? createInterner(), {
    names: ['changelog'],
    make: (ref) => ({ ...ref, changelogs: [] }),
    open: (_item, name, a) => {
      if (name !== 'changelog') return false;
      author = a.get('author') ?? '';
      date = Number(a.get('date') ?? '0');
      if (!Number.isFinite(date)) throw new FerryError('REPO_METADATA', `${file}: changelog date is not a number`);
      return true;
    },
    close: (item, name, text) => {
      if (name === 'changelog') item.changelogs.push({ author, date, text: text ?? '' });
    },
  });
}
