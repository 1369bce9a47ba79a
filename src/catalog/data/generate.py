#!/usr/bin/env python3
"""Regenerates the machine-extracted catalog data files from ../shared/data (see its README for the
upstream repo@commit of every input). Hand-curated facts (relations, support model, paths, vendor
packages) live in this script too, each with the source it was read from, so the data files stay
reproducible. Run: python3 src/catalog/data/generate.py /work/shared/data
Every fact is {"value": ..., "source": <id in sources.json> | null, "note"?: ...}; a null source
requires a null value and a note saying why."""
import configparser, io, json, os, re, sys

SHARED = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/data'
OUT = os.path.dirname(os.path.abspath(__file__))

SOURCES = {}
def src(id_, **kw):
    SOURCES[id_] = {'id': id_, **kw}
    return id_

UP = {
  'eol': ('endoflife-date/endoflife.date', 'a70eca33'),
  'mock': ('rpm-software-management/mock', '81787520'),
  'osbuild-images': ('osbuild/images', '1146ec23'),
  'gpg': ('rpm-software-management/distribution-gpg-keys', '65c3eae5'),
  'leapp-data': ('AlmaLinux/leapp-data', '6d69c94a'),
  'pes': ('AlmaLinux/leapp-data', '966d75db'),
}
def shared(id_, path, up, title):
    repo, commit = UP[up]
    return src(id_, kind='shared', path=path, repo=repo, commit=commit, title=title)

for p in ['almalinux', 'centos', 'centos-stream', 'eurolinux', 'oracle-linux', 'rhel', 'rocky-linux']:
    shared(f'eol:{p}', f'lifecycle/{p}.md', 'eol', f'endoflife.date product page {p}')
shared('gpg:fingerprints', 'gpg-keys/fingerprints.tsv', 'gpg', 'distribution-gpg-keys fingerprints')
shared('pes:almalinux', 'leapp/pes-events.almalinux.json', 'pes', 'Leapp PES events (AlmaLinux)')
shared('pes:rocky', 'leapp/pes-events.rocky.json', 'pes', 'Leapp PES events (Rocky)')
src('repodata:cs9-baseos', kind='shared', path='repodata/cs9-baseos-20220207/repodata', repo='osbuild/osbuild', commit='420aacb8',
    title='CentOS Stream 9 BaseOS primary.xml (kernel-5.14.0-55.el9)')
src('repodata:rocky8-updateinfo', kind='shared', path='repodata/rocky8-updateinfo-sample/updateinfo.xml', repo='aquasecurity/vuln-list-update',
    commit='6837fa82', title='Rocky 8.4 updateinfo (kernel-4.18.0-305.12.1.el8_4)')
src('security:alma-osv', kind='shared', path='security/almalinux-osv-database/advisories.tar.xz', repo='AlmaLinux/osv-database', commit='948f47aa',
    title='AlmaLinux OSV database')
src('security:oracle-oval', kind='shared', path='security/vuln-list-update-samples/oracle', repo='aquasecurity/vuln-list-update', commit='6837fa82',
    title='Oracle Linux OVAL samples')
src('security:rhel-csaf', kind='shared', path='security/vunnel-samples/rhel', repo='anchore/vunnel', commit='42a1d423', title='RHEL CSAF/OVAL samples')
src('security:openeuler-cvrf', kind='shared', path='security/vuln-list-update-samples/openeuler', repo='aquasecurity/vuln-list-update',
    commit='6837fa82', title='openEuler CVRF samples')
src('security:rocky-updateinfo', kind='shared', path='repodata/rocky8-updateinfo-sample/updateinfo.xml', repo='aquasecurity/vuln-list-update',
    commit='6837fa82', title='Rocky updateinfo advisories')
src('code:migrate2rocky', kind='code', repo='rocky-linux/rocky-tools', commit='e3525828008dcb18446856d16df09d105ba52ea9',
    path='migrate2rocky/migrate2rocky.sh', title='migrate2rocky.sh (provides_pkg_map, dir_space_map, SUPPORTED_PLATFORM)')
src('code:almalinux-deploy', kind='code', repo='AlmaLinux/almalinux-deploy', commit='30859d93c3220b7ae574d5092fa831f6104e9c37',
    path='almalinux-deploy.sh', title='almalinux-deploy.sh (BRANDING_PKGS, REMOVE_PKGS)')
src('code:leapp-pes-scanner', kind='code', repo='oamg/leapp-repository', commit='0155d09b2d2ee03687c20cf41865e1048cdf94a2',
    path='repos/system_upgrade/common/actors/peseventsscanner/libraries/pes_events_scanner.py', title='Leapp PES events scanner')
src('url:oc-c7-to-oc8', kind='url', url='https://docs.opencloudos.org/centos_migrate/migrate_CentOS7_to_OC8',
    title='OpenCloudOS docs: CentOS7 migrate to OpenCloudOS8 (CentOS 7.9 -> OC 8.8 via leapp, x86_64 only, >= 2 GB memory)')
src('url:tencent-centos-replace', kind='url', url='https://cloud.tencent.com/document/product/1397/111351',
    title='Tencent Cloud: CentOS in-place replacement to TencentOS (CentOS 7 -> TencentOS Server 2.4, CentOS 8 -> TencentOS Server 3)')

src('code:centos2ol', kind='code', repo='oracle/centos2ol', commit='2669ed0aa690dbbf07d8ebbe12b9b16874cb567e', path='centos2ol.sh',
    title='centos2ol.sh: bad_packages removed (centos-backgrounds, centos-gpg-keys, centos-logos, centos-release, …); new_releases for 7*: oraclelinux-release oraclelinux-release-el7 redhat-release-server; base_packages: oracle-logos; yum on EL7')
src('code:centos2ol-readme', kind='code', repo='oracle/centos2ol', commit='c13521a33e31272a16e0db2c6718bc960660e5db', path='README.md',
    title='centos2ol README (CentOS Linux 6, 7 and 8 supported, CentOS Stream not; at least 5GB free in /var/cache; no Spacewalk/Foreman/Uyuni)')

import successors as SUCC
SOURCES.update(SUCC.SOURCES)

def fact(value, source, note=None):
    f = {'value': value, 'source': source}
    if note: f['note'] = note
    return f
def none(note):
    return {'value': None, 'source': None, 'note': note}

extract = json.load(open(os.path.join(SHARED, 'lifecycle/lifecycle-extract.json')))
def eol(product, cycle):
    for r in extract[product]['releases']:
        if r['releaseCycle'] == cycle: return r
    raise SystemExit(f'no {product} {cycle}')

NO_EOL = 'no source available offline (endoflife.date has no page for this distribution; vendor lifecycle page not in the search corpus)'

# ---- distributions -------------------------------------------------------------------------------
DISTROS = [
  dict(id='centos', name='CentOS Linux', eol='centos', tier=fact('L3', 'eol:centos', 'Ferry tier rule: community rebuild of RHEL ("functionally compatible with RHEL")'),
       upstream=fact(['rhel'], 'eol:centos'), support=fact('community', 'eol:centos', '"community-supported computing platform"; post-EOL commercial support from OpenLogic'),
       vuln=none('CentOS Linux published no machine-readable advisory feed in the offline sources'), status='discontinued'),
  dict(id='centos-stream', name='CentOS Stream', eol='centos-stream', tier=fact('L1', 'eol:centos-stream', 'Ferry tier rule: "tracks just ahead of RHEL development", upstream of RHEL'),
       upstream=fact([], 'eol:centos-stream', 'midstream between Fedora Linux and RHEL'), support=none('no support-model statement in the offline sources'),
       vuln=none('no advisory feed in the offline sources')),
  dict(id='rhel', name='Red Hat Enterprise Linux', eol='rhel', tier=fact('L2', 'eol:rhel', 'Ferry tier rule: "developed by Red Hat for the commercial market"'),
       upstream=fact(['centos-stream'], 'eol:centos-stream', 'CentOS Stream "contains content planned for the next minor release of RHEL"'),
       support=fact('commercial', 'eol:rhel', 'Full Support, Maintenance Support and Extended Life phases'),
       vuln=fact('Red Hat security data (CSAF/OVAL)', 'security:rhel-csaf')),
  dict(id='rocky', name='Rocky Linux', eol='rocky-linux', tier=fact('L3', 'eol:rocky-linux', 'Ferry tier rule: "downstream, complete binary-compatible release using the RHEL source code"'),
       upstream=fact(['rhel'], 'eol:rocky-linux'), support=fact('community', 'eol:rocky-linux', 'extended support from commercial support providers (rockylinux.org/support)'),
       vuln=fact('Rocky Linux updateinfo advisories (RLSA)', 'security:rocky-updateinfo')),
  dict(id='almalinux', name='AlmaLinux OS', eol='almalinux', tier=fact('L3', 'eol:almalinux', 'Ferry tier rule: community-owned, "binary-compatible with RHEL"'),
       upstream=fact(['rhel'], 'eol:almalinux'), support=fact('community', 'eol:almalinux', '"community-owned and governed, forever-free"'),
       vuln=fact('AlmaLinux OSV database (ALSA)', 'security:alma-osv')),
  dict(id='oraclelinux', name='Oracle Linux', eol='oracle-linux', tier=fact('L4', 'eol:oracle-linux', 'Ferry tier rule: "free RHEL derivative", own UEK kernel'),
       upstream=fact(['rhel'], 'eol:oracle-linux'), support=fact('commercial', 'eol:oracle-linux', 'free to use; Basic/Premier/Extended support tiers sold by Oracle'),
       vuln=fact('Oracle Linux OVAL (ELSA)', 'security:oracle-oval')),
  dict(id='eurolinux', name='EuroLinux', eol='eurolinux', tier=fact('L4', 'eol:eurolinux', 'Ferry tier rule: "maintained compatibility with RHEL and CentOS"'),
       upstream=fact(['rhel'], 'eol:eurolinux'), support=none('no support-model statement in the offline sources'),
       vuln=none('no advisory feed in the offline sources'), status='discontinued'),
  dict(id='opencloudos', name='OpenCloudOS', eol=None, tier=none('no offline source for its supply-chain relations'), upstream=none('no offline source'),
       support=none('no offline source'), vuln=none('no advisory feed in the offline sources')),
  dict(id='tencentos', name='TencentOS Server', eol=None, tier=none('no offline source for its supply-chain relations'), upstream=none('no offline source'),
       support=none('no offline source'), vuln=none('no advisory feed in the offline sources')),
  dict(id='openeuler', name='openEuler', eol=None, tier=none('no offline source for its supply-chain relations'), upstream=none('no offline source'),
       support=none('no offline source'), vuln=fact('openEuler security advisories (CVRF)', 'security:openeuler-cvrf')),
  dict(id='anolis', name='Anolis OS', eol=None, tier=none('no offline source for its supply-chain relations'), upstream=none('no offline source'),
       support=none('no offline source'), vuln=none('no advisory feed in the offline sources')),
]

# ---- releases ---------------------------------------------------------------------------------------
# (id, distribution, version, eol product cycle, mock template, osbuild file, kernel fact)
KERNEL_CS9 = fact('5.14', 'repodata:cs9-baseos', 'kernel-5.14.0-55.el9 in the BaseOS repository')
KERNEL_R8 = fact('4.18', 'repodata:rocky8-updateinfo', 'kernel-4.18.0-305.12.1.el8_4 in a Rocky 8 advisory')
REL = [
  ('centos-6', 'centos', '6', '6', 'centos-6', None, None),
  ('centos-7', 'centos', '7', '7', 'centos-7', None, None),
  ('centos-8', 'centos', '8', '8', 'centos-8', None, None),
  ('centos-stream-8', 'centos-stream', '8', '8', 'centos-stream-8', None, None),
  ('centos-stream-9', 'centos-stream', '9', '9', 'centos-stream-9', 'centos-9.json', KERNEL_CS9),
  ('centos-stream-10', 'centos-stream', '10', '10', 'centos-stream-10', 'centos-10.json', None),
  ('rhel-7', 'rhel', '7', '7', 'rhel-7', None, None),
  ('rhel-8', 'rhel', '8', '8', 'rhel-8', 'rhel-8.10.json', None),
  ('rhel-9', 'rhel', '9', '9', 'rhel-9', 'rhel-9.6.json', None),
  ('rhel-10', 'rhel', '10', '10', 'rhel-10', None, None),
  ('rocky-8', 'rocky', '8', '8', 'rocky-8', 'rocky-8.10.json', KERNEL_R8),
  ('rocky-9', 'rocky', '9', '9', 'rocky-9', 'rocky-9.6.json', None),
  ('rocky-10', 'rocky', '10', '10', 'rocky-10', None, None),
  ('almalinux-8', 'almalinux', '8', '8', 'almalinux-8', 'almalinux-8.10.json', None),
  ('almalinux-9', 'almalinux', '9', '9', 'almalinux-9', 'almalinux-9.6.json', None),
  ('almalinux-10', 'almalinux', '10', '10', 'almalinux-10', None, None),
  ('oraclelinux-7', 'oraclelinux', '7', '7', 'oraclelinux-7', None, None),
  ('oraclelinux-8', 'oraclelinux', '8', '8', 'oraclelinux-8', None, None),
  ('oraclelinux-9', 'oraclelinux', '9', '9', 'oraclelinux-9', None, None),
  ('eurolinux-7', 'eurolinux', '7', '7', None, None, None),
  ('eurolinux-8', 'eurolinux', '8', '8', 'eurolinux-8', None, None),
  ('eurolinux-9', 'eurolinux', '9', '9', 'eurolinux-9', None, None),
  ('opencloudos-7.9', 'opencloudos', '7.9', None, None, None, None),
  ('opencloudos-8', 'opencloudos', '8', None, None, None, {'value': '5.4', 'source': 'code:tencent-centos8-to-oc8', 'note': 'the target kernel is tkernel4, based on Linux 5.4'}),
  ('opencloudos-9', 'opencloudos', '9', None, None, None, None),
  ('opencloudos-stream', 'opencloudos', 'stream', None, None, None, None),
  ('tencentos-2.4', 'tencentos', '2.4', None, None, None, None),
  ('tencentos-3.1', 'tencentos', '3.1', None, None, None, None),
  ('tencentos-4', 'tencentos', '4', None, None, None, None),
  ('openeuler-20.03', 'openeuler', '20.03', None, 'openeuler-20.03', None, None),
  ('openeuler-22.03', 'openeuler', '22.03', None, 'openeuler-22.03', None, None),
  ('openeuler-24.03', 'openeuler', '24.03', None, 'openeuler-24.03', None, None),
  ('anolis-7', 'anolis', '7', None, 'anolis-7', None, None),
  ('anolis-8', 'anolis', '8', None, 'anolis-8', None, None),
]
REL += [(rid, dist, ver, None, None, None, None) for rid, dist, ver in SUCC.NEW_RELEASES]
for d in DISTROS:
    if d['id'] in SUCC.DISTROS: d.update(SUCC.DISTROS[d['id']])
DMAP = {d['id']: d for d in DISTROS}
COMPAT_SRC = {'rocky': 'eol:rocky-linux', 'almalinux': 'eol:almalinux', 'oraclelinux': 'eol:oracle-linux', 'eurolinux': 'eol:eurolinux', 'centos': 'eol:centos'}

def read_mock(name):
    path = f'distro-repo-configs/mock-core-configs/{name}.tpl'
    shared(f'mock:{name}', path, 'mock', f'mock-core-configs {name}.tpl')
    text = open(os.path.join(SHARED, path)).read()
    m = re.search(r"config_opts\['(?:dnf|yum)\.conf'\]\s*=\s*\"\"\"(.*?)\"\"\"", text, re.S)
    conf = m.group(1) if m else ''
    # Resolve the template variables these files use: releasever and a first `{% set var = '...' %}` (x86_64 branch).
    rv = re.search(r"config_opts\['releasever'\]\s*=\s*'([^']+)'", text)
    if rv: conf = re.sub(r'\{\{\s*releasever\s*\}\}', rv.group(1), conf)
    for var, val in re.findall(r"\{%\s*set\s+(\w+)\s*=\s*'([^']*)'\s*%\}", text):
        conf = re.sub(r'\{\{\s*' + var + r'\s*\}\}', val, conf)
    return text, conf

def parse_repos(conf):
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    # Jinja control lines ({% if %}) are dropped: both branches' repos are kept, as mock renders per arch.
    cp.read_string('\n'.join(l for l in conf.splitlines() if not l.strip().startswith('{%')))
    out = []
    for sec in cp.sections():
        if sec == 'main': continue
        g = lambda k: cp.get(sec, k, fallback=None)
        r = {'id': sec, 'name': g('name')}
        for k in ('baseurl', 'mirrorlist', 'metalink'):
            if g(k): r[k] = g(k).strip()
        if g('gpgkey'):
            r['gpgkey'] = [k for k in re.split(r'[\s,]+', g('gpgkey').strip()) if k]
        en = g('enabled')
        r['enabled'] = en is None or en.strip() == '1'
        # mock-internal repos (e.g. local-centos-stream, koji buildroots) carry no URL once templating is dropped.
        if any(k in r for k in ('baseurl', 'mirrorlist', 'metalink')): out.append(r)
    return out

releases, repos = [], []
for rid, dist, ver, cycle, mock, osb, kernel in REL:
    d = DMAP[dist]
    r = {'id': rid, 'distribution': dist, 'version': ver}
    m = re.match(r'(\d+)', ver); r['major'] = int(m.group(1)) if m else None
    if d['eol'] and cycle:
        e = eol(d['eol'], cycle); s = f"eol:{d['eol']}"
        r['ga'] = fact(e['releaseDate'], s)
        r['eolFull'] = fact(e['eoas'], s, 'end of active/full support') if 'eoas' in e else none('the source gives no separate full-support end')
        r['eol'] = fact(e['eol'], s, 'end of maintenance/security support') if e.get('eol') not in (None, 'False') else none('the source gives no end-of-life date yet')
        r['eolExtended'] = fact(e['eoes'], s, 'end of paid extended support') if e.get('eoes') not in (None, 'False') else none('no extended-support date in the source')
    else:
        for k in ('ga', 'eolFull', 'eol', 'eolExtended'): r[k] = none(NO_EOL)
    r['kernel'] = kernel or none('no kernel package list for this release in the offline sources')
    if dist in COMPAT_SRC and r['major']:
        r['compatibleWith'] = fact([f'rhel-{r["major"]}'] + ([f'centos-{r["major"]}'] if r['major'] <= 8 and dist != 'centos' else []), COMPAT_SRC[dist],
                                   'RHEL-compatible per the source; CentOS Linux of the same major is itself a RHEL rebuild (eol:centos)')
    elif dist == 'centos-stream':
        r['compatibleWith'] = fact([f'rhel-{r["major"]}'], 'eol:centos-stream', 'tracks ahead of the next RHEL minor release')
    else:
        r['compatibleWith'] = none('no offline source for userland compatibility')
    if mock:
        text, conf = read_mock(mock)
        mp = re.search(r'module_platform_id=(\S+)', conf)
        r['modulePlatformId'] = fact(mp.group(1), f'mock:{mock}') if mp else fact(None, f'mock:{mock}', 'the template sets no module_platform_id (no modularity)')
        repos.append({'release': rid, 'source': f'mock:{mock}', 'repos': parse_repos(conf)})
    else:
        r['modulePlatformId'] = none('no repo configuration template for this release in the offline sources')
    if osb:
        path = f'distro-repo-configs/osbuild-images/{osb}'
        shared(f'osbuild:{osb}', path, 'osbuild-images', f'osbuild/images repositories {osb}')
        r['arches'] = fact(sorted(json.load(open(os.path.join(SHARED, path))).keys()), f'osbuild:{osb}', 'arches osbuild-images builds for; may not be exhaustive')
    else:
        r['arches'] = none('no per-arch repository definition for this release in the offline sources')
    if d.get('status') == 'discontinued': r['status'] = 'discontinued'
    releases.append(SUCC.apply_release(r))

order = [d['id'] for d in DISTROS]
releases.sort(key=lambda r: (order.index(r['distribution']), [int(x) for x in re.findall(r'\d+', r['version'])]))
repos += SUCC.REPOS
distributions = [{'id': d['id'], 'name': d['name'], 'tier': d['tier'], 'upstream': d['upstream'], 'supportModel': d['support'],
                  'vulnerabilityDisclosure': d['vuln'], **({'status': d['status']} if d.get('status') else {})} for d in DISTROS]

TIERS = [
  {'id': 'L1', 'name': 'upstream', 'definition': 'the development stream a commercial distribution is cut from'},
  {'id': 'L2', 'name': 'commercial', 'definition': 'a vendor distribution sold with an SLA, built from L1'},
  {'id': 'L3', 'name': 'community stable', 'definition': 'a community rebuild of L2 that stays binary compatible'},
  {'id': 'L4', 'name': 'derivative', 'definition': 'a distribution derived from L2/L3 that adds its own changes (kernels, branding, support)'},
]

# ---- GPG keys --------------------------------------------------------------------------------------
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(SHARED, 'gpg-keys/fingerprints.tsv'))][1:]
keyfiles = {}
for row in rows:
    f = dict(zip(['file', 'type', 'algo', 'bits', 'keyid', 'fingerprint', 'created', 'expires', 'uid', 'rpm'], row))
    name = os.path.basename(f['file'])
    keyfiles.setdefault(name, {'file': name, 'sharedPath': 'gpg-keys/' + f['file'], 'keys': []})['keys'].append(
        {'fingerprint': f['fingerprint'], 'keyid': f['keyid'], 'uid': f['uid'], 'created': f['created'], 'expires': f['expires'], 'rpmName': f['rpm']})
gpg_release = []
for entry in repos:
    names = set()
    for r in entry['repos']:
        for k in r.get('gpgkey', []):
            if k.startswith('file://'): names.add(os.path.basename(k))
    gpg_release.append({'release': entry['release'], 'files': sorted(n for n in names if n in keyfiles),
                        'unresolved': sorted(n for n in names if n not in keyfiles), 'source': entry['source']})
for rid, (files, source) in SUCC.GPG.items():
    assert all(f in keyfiles for f in files), files
    gpg_release.append({'release': rid, 'files': files, 'unresolved': [], 'source': source})
gpg = {'formatVersion': 1, 'source': 'gpg:fingerprints', 'keyFiles': sorted(keyfiles.values(), key=lambda k: k['file']), 'releases': gpg_release}
# The armor of every key file ships in the package: keys/ mirrors ../shared/data/gpg-keys/keys/ byte for byte
# (src/catalog/keys.ts reads it there), files no longer listed are removed.
KEYS = os.path.join(OUT, 'keys')
vendored = set()
for kf in keyfiles.values():
    rel = kf['sharedPath'][len('gpg-keys/keys/'):]
    vendored.add(rel)
    os.makedirs(os.path.dirname(os.path.join(KEYS, rel)), exist_ok=True)
    with open(os.path.join(SHARED, kf['sharedPath']), 'rb') as f: armor = f.read()
    with open(os.path.join(KEYS, rel), 'wb') as f: f.write(armor)
for dirpath, _, names in os.walk(KEYS):
    for n in names:
        rel = os.path.relpath(os.path.join(dirpath, n), KEYS)
        if rel != 'README.md' and rel not in vendored: os.remove(os.path.join(KEYS, rel))

# ---- repo map (derived from Leapp repomaps) ---------------------------------------------------------
repomaps = []
for vendor, target in [('almalinux', 'almalinux-8'), ('rocky', 'rocky-8'), ('oraclelinux', 'oraclelinux-8'), ('eurolinux', 'eurolinux-8'), ('centos', 'centos-stream-8')]:
    path = f'leapp/almalinux-leapp-data-HEAD/files/{vendor}/repomap.json.el8'
    sid = shared(f'leapp-repomap:{vendor}-el8', path, 'leapp-data', f'Leapp repomap {vendor} el7->el8')
    repomaps.append({'from': 'centos-7', 'to': target, 'file': path, 'source': sid})
# ELevate's el9 repomaps map the generic EL8 repoids (baseos, appstream, powertools…) that CentOS 8, Stream 8,
# Rocky 8 and AlmaLinux 8 share; Oracle Linux 8's ol8_* repoids are in none of them, and leapp-data ships no
# el9 repomap for Oracle Linux, so no Oracle 8 → 9 path is recorded.
EL8_SOURCES = ['centos-8', 'centos-stream-8', 'rocky-8', 'almalinux-8']
EL9_TARGETS = [('almalinux', 'almalinux-9'), ('rocky', 'rocky-9'), ('centos', 'centos-stream-9')]
for vendor, target in EL9_TARGETS:
    path = f'leapp/almalinux-leapp-data-HEAD/files/{vendor}/repomap.json.el9'
    sid = shared(f'leapp-repomap:{vendor}-el9', path, 'leapp-data', f'Leapp repomap {vendor} el8->el9')
    repomaps.extend({'from': frm, 'to': target, 'file': path, 'source': sid} for frm in EL8_SOURCES if frm != target)

# The repomaps ship in the package too: repomaps/ mirrors their files under ../shared/data byte for byte
# (src/catalog/repomap.ts reads them there; a PES event's target repository is installed only when it maps).
REPOMAPS = os.path.join(OUT, 'repomaps')
vendored = set()
for m in repomaps:
    rel = m['file'][len('leapp/almalinux-leapp-data-HEAD/files/'):]
    vendored.add(rel)
    os.makedirs(os.path.dirname(os.path.join(REPOMAPS, rel)), exist_ok=True)
    with open(os.path.join(SHARED, m['file']), 'rb') as f: body = f.read()
    with open(os.path.join(REPOMAPS, rel), 'wb') as f: f.write(body)
for dirpath, _, names in os.walk(REPOMAPS):
    for n in names:
        rel = os.path.relpath(os.path.join(dirpath, n), REPOMAPS)
        if rel not in vendored: os.remove(os.path.join(REPOMAPS, rel))

# ---- vendor packages ----------------------------------------------------------------------------------
def pk(role, name, source, note=None):
    p = {'role': role, 'name': name, 'source': source}
    if note: p['note'] = note
    return p
ROCKY = [pk(role, n, 'code:migrate2rocky') for role, n in [('backgrounds', 'rocky-backgrounds'), ('indexhtml', 'rocky-indexhtml'), ('repos', 'rocky-repos'),
        ('logos', 'rocky-logos'), ('logos-httpd', 'rocky-logos-httpd'), ('logos-ipa', 'rocky-logos-ipa'), ('gpg-keys', 'rocky-gpg-keys'), ('release', 'rocky-release')]]
CENTOS8 = [pk('release', 'centos-linux-release', 'code:almalinux-deploy'), pk('gpg-keys', 'centos-gpg-keys', 'code:almalinux-deploy'),
           pk('repos', 'centos-linux-repos', 'code:almalinux-deploy')] + [pk(role, n, 'code:almalinux-deploy') for role, n in
           [('backgrounds', 'centos-backgrounds'), ('logos', 'centos-logos'), ('indexhtml', 'centos-indexhtml'), ('logos-ipa', 'centos-logos-ipa'), ('logos-httpd', 'centos-logos-httpd')]]
ALMA8 = [pk('release', 'almalinux-release', 'code:almalinux-deploy')] + [pk(role, n, 'code:almalinux-deploy', 'BRANDING_PKGS renamed centos|oracle|redhat -> almalinux') for role, n in
         [('backgrounds', 'almalinux-backgrounds'), ('logos', 'almalinux-logos'), ('indexhtml', 'almalinux-indexhtml'), ('logos-ipa', 'almalinux-logos-ipa'), ('logos-httpd', 'almalinux-logos-httpd')]]
ORACLE8 = [pk('release', 'oraclelinux-release', 'code:almalinux-deploy'), pk('release', 'oraclelinux-release-el8', 'code:almalinux-deploy'),
           pk('epel-release', 'oracle-epel-release-el8', 'code:almalinux-deploy')] + [pk(role, n, 'code:almalinux-deploy') for role, n in
           [('backgrounds', 'oracle-backgrounds'), ('logos', 'oracle-logos'), ('indexhtml', 'oracle-indexhtml'), ('logos-ipa', 'oracle-logos-ipa'), ('logos-httpd', 'oracle-logos-httpd')]]
RHEL8 = [pk('release', 'redhat-release', 'code:almalinux-deploy'), pk('release-eula', 'redhat-release-eula', 'code:almalinux-deploy')] + [pk(role, n, 'code:almalinux-deploy') for role, n in
         [('backgrounds', 'redhat-backgrounds'), ('logos', 'redhat-logos'), ('indexhtml', 'redhat-indexhtml'), ('logos-ipa', 'redhat-logos-ipa'), ('logos-httpd', 'redhat-logos-httpd')]]
vendor_packages = {'formatVersion': 1, 'releases': [*({'release': rid, 'packages': pkgs} for rid, pkgs in SUCC.VENDOR.items()),
    {'release': 'centos-8', 'packages': CENTOS8}, {'release': 'almalinux-8', 'packages': ALMA8}, {'release': 'rocky-8', 'packages': ROCKY},
    {'release': 'oraclelinux-8', 'packages': ORACLE8}, {'release': 'rhel-8', 'packages': RHEL8},
    {'release': 'centos-7', 'packages': [pk('release', 'centos-release', 'pes:almalinux', 'PES event 2150 in_packageset'),
                                         pk('logos', 'centos-logos', 'pes:rocky', 'PES event 2219 in_packageset'),
                                         pk('backgrounds', 'centos-backgrounds', 'code:centos2ol', 'bad_packages'),
                                         pk('gpg-keys', 'centos-gpg-keys', 'code:centos2ol', 'bad_packages')]},
    {'release': 'oraclelinux-7', 'packages': [pk('release', n, 'code:centos2ol', 'new_releases for 7*') for n in ['oraclelinux-release', 'oraclelinux-release-el7', 'redhat-release-server']]
                                             + [pk('logos', 'oracle-logos', 'code:centos2ol', 'base_packages')]},
    # the package mock's Anolis 7 chroot installs; no logos, repos or gpg-keys package is sourced for Anolis 7
    {'release': 'anolis-7', 'packages': [pk('release', 'anolis-release', 'mock:anolis-7', 'chroot_setup_cmd installs anolis-release')]},
  ],
  # Also removed on conversion (not swapped): almalinux-deploy REMOVE_PKGS / migrate2rocky addl_provide_removes.
  'alsoRemove': [
    {'names': ['libreport-plugin-rhtsupport', 'libreport-rhel', 'insights-client', 'libreport-rhel-anaconda-bugzilla', 'libreport-rhel-bugzilla'], 'to': 'almalinux-8', 'source': 'code:almalinux-deploy'},
    {'names': ['redhat-release', 'redhat-release-eula'], 'to': 'rocky-8', 'source': 'code:migrate2rocky'},
  ],
  # Explicit cross-release events (from PES) where the role mapping is not one-to-one.
  'crossMaps': [
    {'from': 'centos-7', 'to': 'almalinux-8', 'name': 'centos-release', 'replacedBy': ['almalinux-release'], 'source': 'pes:almalinux', 'note': 'PES event 2150 (replaced)'},
    {'from': 'centos-7', 'to': 'rocky-8', 'name': 'centos-release', 'replacedBy': ['rocky-release'], 'source': 'pes:rocky', 'note': 'PES event 2151 (replaced)'},
    {'from': 'centos-7', 'to': 'rocky-8', 'name': 'centos-logos', 'replacedBy': ['rocky-logos', 'rocky-logos-httpd', 'rocky-backgrounds'], 'source': 'pes:rocky', 'note': 'PES event 2219 (split)'},
  ]}

# ---- migration paths -------------------------------------------------------------------------------
def path(frm, to, method, source, note=None, resources=None, target_version=None):
    p = {'from': frm, 'to': to, 'method': method, 'source': source}
    if note: p['note'] = note
    if resources: p['resources'] = resources
    if target_version: p['targetVersion'] = target_version
    return p
# The MAJOR.MINOR a cross-major path lands on: PES events are applied up to this release (Leapp's target version).
TV = {
  'rocky-8': fact('8.10', 'osbuild:rocky-8.10.json', 'the newest Rocky 8 minor osbuild-images builds'),
  'almalinux-8': fact('8.10', 'osbuild:almalinux-8.10.json', 'the newest AlmaLinux 8 minor osbuild-images builds'),
  'rocky-9': fact('9.6', 'osbuild:rocky-9.6.json', 'the newest Rocky 9 minor osbuild-images builds'),
  'almalinux-9': fact('9.6', 'osbuild:almalinux-9.6.json', 'the newest AlmaLinux 9 minor osbuild-images builds'),
  'opencloudos-8': fact('8.6', 'opencloudos:migrate-faq', 'CentOS 7 → OpenCloudOS 8 lands on 8.6 only (目前暂时仅支持迁移到 8.6 版本)'),
  'opencloudos-9': fact('9.2', 'opencloudos:oc8-to-oc9', 'the default target of leapp-upgrade-oc8to9 from 8.6 and 8.8'),
}
ROCKY_SPACE = fact({'/usr': 250, '/var': 1536, '/boot': 50}, 'code:migrate2rocky', 'dir_space_map: required free MiB per directory (95% of available counted)')
paths = {'formatVersion': 1, 'paths': [
  path('centos-8', 'rocky-8', 'same-major-swap', 'code:migrate2rocky', 'migrate2rocky converts EL8 (SUPPORTED_PLATFORM platform:el8)', {'diskMiB': ROCKY_SPACE}),
  path('centos-stream-8', 'rocky-8', 'same-major-swap', 'code:migrate2rocky', 'CentOS Stream repos handled specially (stream_repos_pkgs)', {'diskMiB': ROCKY_SPACE}),
  path('almalinux-8', 'rocky-8', 'same-major-swap', 'code:migrate2rocky', None, {'diskMiB': ROCKY_SPACE}),
  path('oraclelinux-8', 'rocky-8', 'same-major-swap', 'code:migrate2rocky', 'module streams :ol8 mapped to :rhel8', {'diskMiB': ROCKY_SPACE}),
  path('rhel-8', 'rocky-8', 'same-major-swap', 'code:migrate2rocky', None, {'diskMiB': ROCKY_SPACE}),
  path('centos-8', 'almalinux-8', 'same-major-swap', 'code:almalinux-deploy', 'x86_64 only in this version of the script; os ids centos, almalinux, ol, rhel'),
  path('oraclelinux-8', 'almalinux-8', 'same-major-swap', 'code:almalinux-deploy'),
  path('rhel-8', 'almalinux-8', 'same-major-swap', 'code:almalinux-deploy'),
  path('centos-7', 'almalinux-8', 'cross-major-pes', 'pes:almalinux', 'Leapp with AlmaLinux leapp-data PES events and repomap', target_version=TV['almalinux-8']),
  path('centos-7', 'rocky-8', 'cross-major-pes', 'pes:rocky', 'Leapp with Rocky PES events and repomap', target_version=TV['rocky-8']),
  path('centos-7', 'oraclelinux-8', 'cross-major-pes', 'leapp-repomap:oraclelinux-el8', 'Leapp repomap for Oracle Linux 8 in AlmaLinux leapp-data'),
  path('centos-7', 'eurolinux-8', 'cross-major-pes', 'leapp-repomap:eurolinux-el8', 'Leapp repomap for EuroLinux 8 in AlmaLinux leapp-data'),
  path('centos-7', 'opencloudos-8', 'cross-major-pes', 'url:oc-c7-to-oc8', 'CentOS 7.9 -> OpenCloudOS 8.6/8.8 with leapp --opencloudos; x86_64 only',
       {'memoryMiB': fact(2048, 'url:oc-c7-to-oc8', 'minimum 2 GB memory for OpenCloudOS')}, TV['opencloudos-8']),
  *(path(frm, to, 'cross-major-pes', f'leapp-repomap:{vendor}-el9', f'ELevate (Leapp) with the {vendor} el9 repomap of AlmaLinux leapp-data'
         + (f' and {vendor} PES events' if vendor in ('almalinux', 'rocky') else '; no PES events file for this vendor in the data'), target_version=TV.get(to))
    for vendor, to in EL9_TARGETS for frm in EL8_SOURCES if frm != to),
  path('opencloudos-8', 'opencloudos-9', 'cross-major-pes', 'opencloudos:oc8-to-oc9',
       'leapp-upgrade-oc8to9: leapp upgrade --opencloudos (8.6/8.8/8.10 → 9.0/9.2/9.4/9.6; x86_64, aarch64); no PES events file in the data',
       target_version=TV['opencloudos-9']),
  path('centos-7', 'tencentos-2.4', 'same-major-swap', 'url:tencent-centos-replace', 'in-place replacement via yum distro-sync; CentOS 7.2-7.9 64-bit'),
  path('centos-8', 'opencloudos-8', 'same-major-swap', 'code:tencent-centos8-to-oc8',
       'migrate2opencloudos.py -v 8; CentOS 8.0-8.4 x86_64 and 8.2 aarch64; a GUI or i686 packages are not supported; reboot into the 5.4-based kernel',
       {'freeMemoryMiB': fact(500, 'code:tencent-centos8-to-oc8', 'free memory greater than 500 MB'),
        'diskMiB': fact({'/': 10240}, 'code:tencent-centos8-to-oc8', 'system disk free space greater than 10 GB')}),
  path('centos-8', 'oraclelinux-8', 'same-major-swap', 'code:centos2ol-readme', 'centos2ol.sh; CentOS Stream is not supported; hosts managed by Spacewalk, Foreman or Uyuni are not supported',
       {'diskMiB': fact({'/var/cache': 5120}, 'code:centos2ol-readme', 'at least 5GB of free space in /var/cache')}),
  path('centos-7', 'oraclelinux-7', 'same-major-swap', 'code:centos2ol-readme', 'centos2ol.sh; hosts managed by Spacewalk, Foreman or Uyuni are not supported',
       {'diskMiB': fact({'/var/cache': 5120}, 'code:centos2ol-readme', 'at least 5GB of free space in /var/cache')}),
  path('centos-8', 'tencentos-3.1', 'same-major-swap', 'url:tencent-centos-replace', 'in-place replacement via yum distro-sync; CentOS 8.0-8.5 64-bit; the source says "TencentOS Server 3"'),
  ],
  'unsourced': [
  ]}
for (frm, to), extra in SUCC.PATHS.items():
    found = [p for p in paths['paths'] if p['from'] == frm and p['to'] == to]
    if 'new' in extra:
        assert not found, (frm, to)
        method, source, note = extra['new']
        found = [path(frm, to, method, source, note)]
        paths['paths'].append(found[0])
    assert len(found) == 1, (frm, to)
    if 'resources' in extra: found[0]['resources'] = {**found[0].get('resources', {}), **extra['resources']}
    if 'blockers' in extra: found[0]['blockers'] = extra['blockers']

def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, indent=1, ensure_ascii=False); f.write('\n')

dump('releases.json', {'formatVersion': 1, 'tiers': TIERS, 'distributions': distributions, 'releases': releases})
dump('repos.json', {'formatVersion': 1, 'releases': repos, 'repomaps': repomaps})
dump('gpg-keys.json', gpg)
dump('vendor-packages.json', vendor_packages)
dump('paths.json', paths)
dump('sources.json', {'formatVersion': 1, 'sources': sorted(SOURCES.values(), key=lambda s: s['id'])})
print('ok', len(releases), 'releases', sum(len(r['repos']) for r in repos), 'repos', len(keyfiles), 'key files', len(SOURCES), 'sources')
