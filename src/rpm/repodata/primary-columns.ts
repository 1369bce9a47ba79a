/**
 * Turns primary-scan.ts's columns into Packages, exactly as primary.ts's handler builds them (same
 * fields, same optional fields present or absent). One Lane per scanner: ids are the scanner's, each
 * batch brings the strings, EVRs and dependencies it saw first. Equal EVRs and equal dependencies share
 * one object within a lane (treat them as read-only, as readPrimary's contract says).
 */
import type { Dep, DepFlag, Evr, Package } from '../types.js';
import {
  DEP_KINDS, FLAGS, NUM_WIDTH, PK_ARCH, PK_BUILDHOST, PK_CHECKSUM, PK_CHECKSUM_TYPE, PK_DEP_END,
  PK_DESCRIPTION, PK_EPOCH, PK_FILE_END, PK_GROUP, PK_HAS, PK_LICENSE, PK_LOCATION, PK_LOCATION_BASE,
  PK_NAME, PK_PACKAGER, PK_REL, PK_SOURCERPM, PK_SUMMARY, PK_URL, PK_VENDOR, PK_VER, PK_WIDTH, type ScanBatch,
} from './primary-scan.js';

export interface Lane {
  /**
   * The Packages of one batch from this lane's scanner, in document order. With `packages` false, only
   * the batch's new strings, EVRs and dependencies are taken in (later batches refer to them).
   */
  materialize(batch: ScanBatch, packages?: boolean): Package[];
}

export function createLane(intern: (s: string) => string): Lane {
  const strings: string[] = [];
  const interned: (string | undefined)[] = [];
  const evrs: Evr[] = [];
  const deps: Dep[] = [];

  const str = (id: number): string => strings[id];
  /** A package-level string passed through the reader's interner once per id. */
  const shared = (id: number): string => {
    let s = interned[id];
    if (s === undefined) interned[id] = s = intern(strings[id]);
    return s;
  };

  return {
    materialize(batch, packages = true) {
      const sb = Buffer.from(batch.strBytes.buffer, batch.strBytes.byteOffset, batch.strBytes.length);
      let off = 0;
      for (const len of batch.strLens) {
        strings.push(sb.utf8Slice(off, off + len));
        off += len;
      }
      const ev = batch.evrs;
      for (let k = 0; k < ev.length; k += 3) {
        const evr: Evr = { epoch: ev[k], version: str(ev[k + 1]) };
        if (ev[k + 2] !== -1) evr.release = str(ev[k + 2]);
        evrs.push(evr);
      }
      const dv = batch.deps;
      for (let k = 0; k < dv.length; k += 4) {
        const dep: Dep = { name: str(dv[k]) };
        if (dv[k + 1] !== 0) dep.flags = FLAGS[dv[k + 1]] as DepFlag;
        if (dv[k + 2] !== -1) dep.evr = evrs[dv[k + 2]];
        if (dv[k + 3] === 1) dep.pre = true;
        deps.push(dep);
      }

      if (!packages) return [];
      const tb = Buffer.from(batch.textBytes.buffer, batch.textBytes.byteOffset, batch.textBytes.length);
      const textStart = new Int32Array(batch.textLens.length + 1);
      for (let k = 0; k < batch.textLens.length; k++) textStart[k + 1] = textStart[k] + batch.textLens[k];
      const text = (t: number): string => tb.utf8Slice(textStart[t], textStart[t + 1]);

      const pk = batch.packages;
      const nums = batch.nums;
      const kinds = batch.entryKinds;
      const ids = batch.entries;
      const out: Package[] = [];
      let entry = 0;
      let file = 0;
      for (let row = 0, o = 0; o < pk.length; row++, o += PK_WIDTH) {
        const has = pk[o + PK_HAS];
        const p: Package = {
          name: shared(pk[o + PK_NAME]),
          arch: pk[o + PK_ARCH] === -1 ? '' : shared(pk[o + PK_ARCH]),
          epoch: has & 1 ? pk[o + PK_EPOCH] : 0,
          version: has & 1 ? str(pk[o + PK_VER]) : '',
          release: has & 1 && pk[o + PK_REL] !== -1 ? str(pk[o + PK_REL]) : '',
          location: pk[o + PK_LOCATION] === -1 ? '' : text(pk[o + PK_LOCATION]),
          provides: [], requires: [], conflicts: [], obsoletes: [], recommends: [], suggests: [],
          supplements: [], enhances: [], files: [],
        };
        if (pk[o + PK_CHECKSUM] !== -1) {
          const value = text(pk[o + PK_CHECKSUM]);
          p.checksum = { type: pk[o + PK_CHECKSUM_TYPE] === -1 ? '' : str(pk[o + PK_CHECKSUM_TYPE]), value };
          p.pkgid = value;
        }
        if (pk[o + PK_SUMMARY] !== -1) p.summary = text(pk[o + PK_SUMMARY]);
        if (pk[o + PK_DESCRIPTION] !== -1) p.description = text(pk[o + PK_DESCRIPTION]);
        if (pk[o + PK_PACKAGER] !== -1) p.packager = shared(pk[o + PK_PACKAGER]);
        if (pk[o + PK_URL] !== -1) p.url = text(pk[o + PK_URL]);
        const n = row * NUM_WIDTH;
        if (has & 2) p.time = { file: nums[n], build: nums[n + 1] };
        if (has & 4) p.size = { package: nums[n + 2], installed: nums[n + 3], archive: nums[n + 4] };
        if (pk[o + PK_LOCATION_BASE] !== -1) p.locationBase = text(pk[o + PK_LOCATION_BASE]);
        if (pk[o + PK_LICENSE] !== -1) p.license = shared(pk[o + PK_LICENSE]);
        if (pk[o + PK_VENDOR] !== -1) p.vendor = shared(pk[o + PK_VENDOR]);
        if (pk[o + PK_GROUP] !== -1) p.group = shared(pk[o + PK_GROUP]);
        if (pk[o + PK_BUILDHOST] !== -1) p.buildhost = shared(pk[o + PK_BUILDHOST]);
        if (pk[o + PK_SOURCERPM] !== -1) p.sourcerpm = shared(pk[o + PK_SOURCERPM]);
        const entryEnd = pk[o + PK_DEP_END];
        // Entries of one kind come in runs: the array is picked once per run.
        let kind = -1;
        let list = p.provides;
        for (; entry < entryEnd; entry++) {
          const k = kinds[entry];
          if (k !== kind) { kind = k; list = p[DEP_KINDS[k]]; }
          list.push(deps[ids[entry]]);
        }
        const fileEnd = pk[o + PK_FILE_END];
        for (; file < fileEnd; file++) p.files.push(text(batch.files[file]));
        out.push(p);
      }
      return out;
    },
  };
}
