/**
 * package-url for an installed rpm, per the purl spec's rpm type
 * (https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#rpm) and as syft emits them
 * (syft/pkg/cataloger/redhat/package.go: namespace = the distribution's os-release ID, qualifiers `arch`,
 * `epoch` when the header has one, `distro=<ID>-<VERSION_ID>`, `upstream=<source rpm>`). Pure.
 */
import type { Nevra } from '../../rpm/types.js';

export interface PurlInput extends Nevra {
  release: string;
  /** The purl namespace: lower-cased (purl: the rpm namespace is case-insensitive, canonically lower case). */
  namespace?: string;
  /** Include `epoch=` (the header carries one, even 0). */
  epochSet?: boolean;
  distro?: string;
  sourcerpm?: string;
}

/** Percent-encodes as the purl spec requires: everything but unreserved characters (and `:` kept readable is not allowed). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `pkg:rpm/centos/bash@4.4.19-10.el8?arch=x86_64&distro=centos-8&upstream=bash-4.4.19-10.el8.src.rpm`. */
export function rpmPurl(p: PurlInput): string {
  const q: Array<[string, string]> = [['arch', p.arch]];
  if (p.epochSet || p.epoch !== 0) q.push(['epoch', String(p.epoch)]);
  if (p.distro) q.push(['distro', p.distro]);
  if (p.sourcerpm) q.push(['upstream', p.sourcerpm]);
  // The spec: qualifiers sorted by key.
  q.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const ns = p.namespace ? `${encode(p.namespace.toLowerCase())}/` : '';
  return `pkg:rpm/${ns}${encode(p.name)}@${encode(`${p.version}-${p.release}`)}?${q.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
}
