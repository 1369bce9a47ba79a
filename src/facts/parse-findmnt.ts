/**
 * The one reader of util-linux `findmnt -J` documents, whatever columns were asked (-o) and whether as a tree
 * or --list: the filesystems, each node before its children, flattened. The sections keep their own columns
 * (storage: SOURCE,FSTYPE,FSROOT per path; workload: TARGET,SOURCE,FSTYPE,OPTIONS of every mount).
 * Throws naming the command when the text is not a findmnt JSON document.
 */
export type FindmntFilesystem = Record<string, unknown>;

export function readFindmntJson(text: string): FindmntFilesystem[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`findmnt -J: not JSON (${(e as Error).message})`); }
  const filesystems = (doc as { filesystems?: unknown } | null)?.filesystems;
  if (!Array.isArray(filesystems)) throw new Error('findmnt -J: no "filesystems" array');
  const out: FindmntFilesystem[] = [];
  const walk = (nodes: unknown[]): void => {
    for (const n of nodes) {
      if (typeof n !== 'object' || n === null) continue;
      const fs = n as FindmntFilesystem;
      out.push(fs);
      if (Array.isArray(fs.children)) walk(fs.children);
    }
  };
  walk(filesystems);
  return out;
}
