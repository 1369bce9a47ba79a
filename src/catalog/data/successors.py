"""Facts about OpenCloudOS, TencentOS Server, openEuler and Anolis OS, each taken from
../shared/research/successor-facts.md (its source key, e.g. S4, is kept on every source entry as `research`)
and nothing else: a fact the research did not find stays null with a note. Imported by generate.py.

Where sources disagree every value is kept with its source (`alternatives`) and RULE picks one, in `decide`:
  1. authority: vendor or community official > packaging/infrastructure project > output observed on a real
     system (blogs, scripts) > a test fixture;
  2. a newer version of a document over the version it supersedes (`supersedes` on the source, with the
     evidence for the order in its title);
  3. dates still disagreeing at equal rank: the earliest, so Ferry never promises support a source withdrew.
A month-only date (`2029-12`) means "until the end of that month" (catalog/lifecycle.ts reads it so)."""

import re

RULE = ('vendor-official over packaging project over observed on a real system over test fixture; '
        'a newer version of a document over the one it supersedes; dates still disagreeing: the earliest')
AUTHORITY = {'vendor': 3, 'packaging': 2, 'observed': 1, 'fixture': 0}
SOURCES = {}

def _src(id_, kind, authority, research, title, **kw):
    SOURCES[id_] = {'id': id_, 'kind': kind, 'title': title, 'authority': authority, 'research': research, **kw}
    return id_

def code(id_, authority, research, repo, commit, path, title, **kw):
    return _src(id_, 'code', authority, research, title, repo=repo, commit=commit, path=path, **kw)

def url(id_, authority, research, u, title, **kw):
    return _src(id_, 'url', authority, research, title, url=u, **kw)

def ref(id_, authority, research, r, title, **kw):
    return _src(id_, 'ref', authority, research, title, ref=r, **kw)

QD = 'tencentyun/qcloud-documents'
IMG = 'product/计算与网络/云服务器/产品简介/镜像/'
TC_PLAN_OLD = code('tencent:maintenance-plan@0c5e178', 'vendor', 'S1', QD, '0c5e178fb51667d3b7eb0a1e18735ed10d4da387', IMG + '操作系统官方维护计划.md',
                   'Tencent Cloud CVM: operating system maintenance plan (TencentOS Server 2 until 2024-12-31, 3 until 2029-12-31; OpenCloudOS 8 until 2029-12)')
TC_PLAN = code('tencent:maintenance-plan@15de10e', 'vendor', 'S2', QD, '15de10eb205f48db64508d28cf0a843c7f32af78', IMG + '操作系统官方维护计划.md',
               'Tencent Cloud CVM: operating system maintenance plan, later version (TencentOS Server 2 until 2027-12-31). Newer than @0c5e178: it carries '
               'every table of that version plus a Red Hat Enterprise Linux section and links the later CentOS end-of-service guide 213/85775',
               supersedes=[TC_PLAN_OLD])
TC_FAQ = code('tencent:tencentos-faq', 'vendor', 'S3', QD, '0db91e74a247ae1492d774957db65203d23b4763', IMG + 'TencentOSServer常见问题.md',
              'Tencent Cloud: TencentOS Server FAQ ("TencentOS Server 2发行版：维护至2024年12月31日", TS 3 until 2029-12-31; TK3 4.14, TK4 5.4; no 32-bit support)')
TC_TO_TS = code('tencent:centos-to-tencentos', 'vendor', 'S4', QD, '319644d05e01c3040d682feecd105245ebd558c8',
                'product/计算与网络/云服务器/操作指南/镜像/TencentOSServer相关操作/CentOS迁移TencentOS指引.md',
                'Tencent Cloud doc 213/70900: CentOS 7 → TencentOS Server 2.4 (TK4), CentOS 8 → TencentOS Server 3.1 (TK4) with migrate2tencentos; '
                'a GUI or i686 rpms block it; free memory > 500 MB, free system disk > 10 GB; target kernel tkernel4 (5.4)')
TC_TO_OC = code('code:tencent-centos8-to-oc8', 'vendor', 'S5', QD, '1f1e5e900d2d0266166bd1e285f5ac1c18d09ae8', IMG + 'OpenCloudOS/CentOS 迁移 OpenCloudOS 指引.md',
                'Tencent Cloud docs: CentOS 8 to OpenCloudOS 8 with migrate2opencloudos (CentOS 8.0-8.4 x86_64, 8.2 ARM; not Stream 8; GUI and i686 unsupported; '
                '> 500 MB free memory, > 10 GB free system disk; tkernel4 based on 5.4)')
TC_OC_INTRO = code('tencent:opencloudos-intro', 'vendor', 'S7', QD, '136dd2f8c1e563025c35ba0c9b65f8ff0b2e07cb', IMG + 'OpenCloudOS/OpenCloudOS简介.md',
                   'Tencent Cloud: OpenCloudOS introduction (10 years of maintenance per major version; OpenCloudOS 8 kernel 5.4)')
TC_TS_INTRO = code('tencent:tencentos-intro', 'vendor', 'S10', QD, '4a520be2e0fbb7bceab60e419050f7290f9a8850', IMG + 'TencentOSServer/TencentOSServer简介.md',
                   'Tencent Cloud: TencentOS Server introduction (more than 5 years of maintenance per major version; TK3 4.14, TK4 5.4)')
TC_TS_LOG = code('tencent:tencentos-image-log', 'vendor', 'S9', QD, '13b5584f94d1ef893b27d39946f6dfc4fef26bbd', IMG + 'TencentOSServer镜像更新日志.md',
                 'Tencent Cloud: TencentOS Server image update log (kernel builds per image)')
TC_GUIDE = ref('tencent:centos-eos-guide', 'vendor', 'S14', 'ref-4841370252',
               'Tencent Cloud: CentOS end of service, OpenCloudOS and TencentOS Server introduction (OpenCloudOS: community stable, L3; TencentOS Server: commercial, L2; '
               '"OpenCloudOS 来源于 TencentOS Server商业稳定版本的输出，在源代码上基本没有差异")')
TS_VERSIONS = ref('tencent:security-advisory-2026-08', 'vendor', 'S48', 'ref-66848956263',
                  'Tencent 云鼎实验室 advisory (mirror of mp.weixin.qq.com, 2026-08-05) listing TencentOS Server 2.4, 2.6, 3.1, 3.2, 3.3, 4.4, 4.5')
TK = code('tencent:tencentos-kernel-readme', 'vendor', 'S46', 'Tencent/TencentOS-kernel', '1493e44384bb5d3792d61d7f2bd195b4cd188fa7', 'README.md',
          'TencentOS kernel README (TK3 based on 4.14.105; kernel trees under mirrors.tencent.com/tlinux/2.4/)')
OCIO = ('OpenCloudOS/opencloudos.github.io', '029691d9c5b511fc63ede6665d5f7785d7aec10c')
OC_V85 = code('opencloudos:release-v8.5', 'vendor', 'S20', *OCIO, 'docs/release/v8.5.md', 'OpenCloudOS docs: 8.5 release notes (kernel-5.4.119-19.0010)')
OC_V86 = code('opencloudos:release-v8.6', 'vendor', 'S20', *OCIO, 'docs/release/v8.6.md', 'OpenCloudOS docs: 8.6 release notes (userspace 100% binary compatible with RHEL 8, kernel 5.4 LTS)')
OC_V90 = code('opencloudos:release-v9.0', 'vendor', 'S20', *OCIO, 'docs/release/v9.0.md', 'OpenCloudOS docs: 9.0 release notes (Kernel 6.1; built from OpenCloudOS Stream, no longer depends on another distribution)')
OC_UPDATE = code('opencloudos:guide-update', 'vendor', 'S20', *OCIO, 'docs/guide/update.md', 'OpenCloudOS docs: update guide with the OpenCloudOS 8.5 /etc/os-release (ID="opencloudos", PLATFORM_ID="platform:oc8")')
OC_GRUB = code('opencloudos:guide-grub2', 'vendor', 'S20', *OCIO, 'docs/guide/grub2_boot.md', 'OpenCloudOS docs: grub2 boot guide (OpenCloudOS Stream 23 kernel 6.1.26-2303.1.0.ocs23)')
OC_85 = code('opencloudos:8.5-announcement', 'vendor', 'S21', 'OpenCloudOS/Docs', '691c40a78c0592c2b70443f0514a9c9d25d89a51', 'opencloudos-8.5-lts/fa-hang-shuo-ming/fa-hang-shuo-ming-zhong-wen.md',
              'OpenCloudOS 8.5 release announcement ("2022年1月26日 … 发布首个正式版本：OpenCloudOS 8.5")')
OC_FAQ = url('opencloudos:migrate-faq', 'vendor', 'S22a', 'https://docs.opencloudos.org/centos_migrate/migrate_FAQ/',
             'OpenCloudOS docs: migration FAQ (8.x minors 8.6, 8.8, 8.10; /etc/opencloudos-release; CentOS 8 → the highest OC 8 minor)')
OC_8TO9 = url('opencloudos:oc8-to-oc9', 'vendor', 'S22b', 'https://docs.opencloudos.org/centos_migrate/OC8toOC9/',
              'OpenCloudOS docs: OpenCloudOS 8 → 9 with leapp-upgrade-oc8to9 (8.6/8.8/8.10 → 9.0/9.2/9.4/9.6)')
OC_C7 = url('opencloudos:centos7-to-oc7', 'vendor', 'S22c', 'https://docs.opencloudos.org/en/centos_migrate/migrate_CentOS7_to_OC7/',
            'OpenCloudOS docs: CentOS 7.1–7.9 → OpenCloudOS 7.9 with migrate2opencloudos 0.7 (x86_64 only; a GUI or i686 rpms are not supported; '
            '> 4 GB free memory, > 20 GB free system disk; kernel 5.4). Stored copy ref-69659824040')
OC_V92 = url('opencloudos:release-v9.2', 'vendor', 'S22d', 'https://docs.opencloudos.org/release/v9.2/', 'OpenCloudOS docs: 9.2 release notes (Linux Kernel 6.6)')
OC_V96 = url('opencloudos:release-v9.6', 'vendor', 'S22e', 'https://docs.opencloudos.org/release/v9.6/',
             'OpenCloudOS docs: 9.6 release notes (kernel 6.6.119; "9" is a symlink to the newest minor)', supersedes=[OC_V90])
OC_SWM = url('opencloudos:stream-software-management', 'vendor', 'S22f', 'https://docs.opencloudos.org/OCS/AdministratorGuide/Software_Management/',
             'OpenCloudOS docs: OpenCloudOS Stream software management (OpenCloudOS-Stream.repo: BaseOS, AppStream; RPM-GPG-KEY-OpenCloudOS-Stream)')
EOL = 'endoflife-date/endoflife.date'
EOL_OC = code('endoflife:opencloudos', 'packaging', 'S30', EOL, '52be684742aeefb15f2e4c0e50545813aa8dae91', 'products/opencloudos.md',
              'endoflife.date OpenCloudOS (relays https://docs.opencloudos.org/release/oc_intro/)')
EOL_AN = code('endoflife:anolis-os', 'packaging', 'S31', EOL, 'd563145423b7fc357251196ab19ee7c4a1a8c6ed', 'products/anolis-os.md',
              'endoflife.date Anolis OS (relays gitee anolis/rnotes life-cycle.md)')
EOL_OE = code('endoflife:openeuler', 'packaging', 'S32', EOL, '4a3f9c04c1f916773550c00a0843b9a7fad6bd1e', 'products/openeuler.md',
              'endoflife.date openEuler (per-SP dates; relays openeuler.org lifecycle pages)')
PEP = ('mayeut/pep600_compliance', '2d70275ac1292c0f8750c0863df9d367a4967ebd')
PEP_OC = code('pep600:opencloudos', 'packaging', 'S33', *PEP, 'pep600_compliance/images/os/opencloudos.py', 'pep600_compliance OpenCloudOS images (EOL 2029-05-31 for 8, 2033-04-30 for 9)')
PEP_AN = code('pep600:anolisos', 'packaging', 'S33', *PEP, 'pep600_compliance/images/os/anolisos.py', 'pep600_compliance Anolis OS images (EOL 2031-03-31 for 8, 2030-06-30 for 23)')
RM = ('openeuler-mirror/release-management', 'd4efb425781f2a61c0c63f7ac0f725c14ef2585e')
OE_POLICY = code('openeuler:lifecycle-policy', 'vendor', 'S35', *RM, 'Goverance/lifecycle.md',
                 'openEuler Release SIG lifecycle policy (LTS every 2 years, 4 years of community support; SP lifecycles)')
OE_2003SP4 = code('openeuler:20.03-sp4-plan', 'vendor', 'S35', *RM, 'openEuler-20.03-LTS-SP4/release-plan.md', 'openEuler 20.03 LTS SP4 release plan (Release 2023/11/28)')
OE_2203 = code('openeuler:22.03-plan', 'vendor', 'S35', *RM, 'openEuler-22.03-LTS/release-plan.md', 'openEuler 22.03 LTS release plan (kernel 5.10; Release 2022/3/30)')
OE_2403 = code('openeuler:24.03-plan', 'vendor', 'S35', *RM, 'openEuler-24.03-LTS/release-plan.md', 'openEuler 24.03 LTS release plan (kernel 6.6; Release 2024/6/6)')
REPOLOGY = code('repology:openeuler', 'packaging', 'S36', 'repology/repology-updater', 'c41a5f48dc83b67c560284a8c8ea2419568823d5', 'repos.d/rpm/openeuler.yaml',
                'repology openEuler repositories (valid_till per SP)')
CI_FIXTURE = code('cloud-init:test-util-fixtures', 'fixture', 'S40', 'canonical/cloud-init', '04eacd06ee60de9dbb9e7be784be20dab7342c1a', 'tests/unittests/test_util.py',
                  'cloud-init unit-test os-release fixtures (OpenCloudOS 8.6 ID="OpenCloudOS"; TencentOS 3.1 ID="TencentOS", PLATFORM_ID="platform:el3"): test data, not observed systems')
MIGRATE_OC9 = code('code:migrate-opencloudos-sh', 'observed', 'S44', 'Regan-He/MigrateCloudOS', '01d8e3bb991173dfa33aaa909570c5f928c095a5', 'migrate-opencloudos.sh',
                   'third-party OpenCloudOS 8 → 9 script (OC 8 branding packages; OC 9 adds opencloudos-repos; RPM-GPG-KEY-OpenCloudOS-9; OC 9 repo URLs)')
OC_MOCK = code('code:opencloudos-8.5-mock', 'observed', 'S45', 'yifengyou/OpenCloudOS', '6fcc42863ef4ddd0b5cdcafe73adf960f93c5e74', 'docs/docker镜像/opencloudos-8.5-x86_64.md',
               'mock config embedding the OpenCloudOS 8.5 OpenCloudOS.repo (header "Author: OpenCloudOS <infrastructure@opencloudos.tech>"), dist .oc8')
RELAY = ref('relay:asset-store-readme', 'observed', 'S34', 'ref-68347777726',
            'songdongsheng/asset-store README (third-party relay of official lifecycle URLs: TencentOS 1397/110955, Anolis life-cycle.md, openEuler lifecycle)')
OS_RELEASE_BLOG = ref('blog:os-release-dumps', 'observed', 'S47', 'ref-7981810701',
                      'blog "Bash常用脚本一：操作系统版本检查" (2024-03-03) with real /etc/os-release of TencentOS Server 2.4 and 3.1 and openEuler 20.03')
TS_RELEASE_PKG = ref('observed:tencentos-release-rpm', 'observed', 'ref-26117100186', 'ref-26117100186',
                     'Dockerfile installing tencentos-release-3.1-11.tl3.x86_64.rpm from mirrors.tencent.com/tlinux/3.1/Updates')
TS4_KERNEL = ref('observed:tencentos-4-kernel', 'observed', 'ref-55659166128', 'ref-55659166128', 'report from "TencentOS Server 4 (kernel 6.6.117-45.7.3.tl4.x86_64)"')
OE_PKGS = ref('observed:openeuler-release-rpms', 'observed', 'ref-32700871967', 'ref-32700871967',
              'openEuler 22.03 LTS package list (openEuler-release-22.03LTS-52.oe2203, openEuler-repos-1.0-3.4.oe2203, openEuler-gpg-keys-1.0-3.4.oe2203)')
OE_2003_KERNEL = ref('observed:openeuler-20.03-kernel', 'observed', 'ref-67557400939', 'ref-67557400939', 'openEuler 20.03 host with kernel 4.19.90-2003.4.0.0036.oe1.x86_64')
AN_KERNEL = ref('observed:anolis-8-kernel', 'observed', 'ref-62569873920', 'ref-62569873920', 'Anolis OS 8.10 host: Linux 5.10.134-19.3.1.an8.x86_64 (ANCK), PLATFORM_ID="platform:an8"')
AN23 = ref('observed:anolis-23-os-release', 'observed', 'ref-2462285269', 'ref-2462285269', 'Anolis OS 23 os-release (VERSION_ID="23", PLATFORM_ID="platform:an23") and kernel 5.10.134-15.1.an23')
OCS_OS_RELEASE = ref('observed:ocs23-os-release', 'observed', 'ref-43315020473', 'ref-43315020473',
                     'OpenCloudOS Stream 23 board bring-up log (/etc/os-release PLATFORM_ID="platform:ocs23")')
CENTOS2ANOLIS = ref('observed:centos2anolis-howto', 'observed', 'ref-14156661983', 'ref-14156661983',
                    'Rainbond blog "CentOS 7 服务终止，何去何从" (third party): "Centos 7 迁移到 Anolis OS 7" with centos2anolis (centos2anolis-0.2-20.an7, '
                    'repo https://mirrors.openanolis.cn/anolis/migration/anolis-migration.repo, needs python36-psutil from EPEL; centos2anolis.py, --rhck)')
OC9_OS_RELEASE = ref('observed:oc9.0-os-release', 'observed', 'ref-45091715219', 'ref-45091715219',
                     'cat /etc/os-release in the opencloudos-9.0-minimal image (PLATFORM_ID="platform:oc9.0")')

def _fact(value, source, note=None):
    f = {'value': value, 'source': source}
    if note: f['note'] = note
    return f

def fact(value, source, note=None):
    assert source in SOURCES, source
    return _fact(value, source, note)

def none(note):
    return {'value': None, 'source': None, 'note': note}

NOT_FOUND = 'not found by the research (../shared/research/successor-facts.md has no source for it)'

def decide(*candidates, dates=True):
    """candidates: (value, source, note?) tuples. The winner by RULE, the others (those with another value) kept."""
    cands = [dict(zip(('value', 'source', 'note'), c)) for c in candidates]
    for c in cands: assert c['source'] in SOURCES, c['source']
    top = max(AUTHORITY[SOURCES[c['source']]['authority']] for c in cands)
    left = [c for c in cands if AUTHORITY[SOURCES[c['source']]['authority']] == top]
    superseded = {s for c in left for s in SOURCES[c['source']].get('supersedes', [])}
    left = [c for c in left if c['source'] not in superseded] or left
    values = {c['value'] for c in left}
    if len(values) > 1:
        if not dates: raise SystemExit(f'RULE does not decide between {left}')
        left = sorted(left, key=lambda c: c['value'])
    win = left[0]
    others = [_fact(c['value'], c['source'], c.get('note')) for c in cands if c['value'] != win['value']]
    agreeing = [c['source'] for c in cands if c is not win and c['value'] == win['value']]
    note = '; '.join(x for x in [win.get('note'), f"also stated by {', '.join(agreeing)}" if agreeing else None] if x)
    f = _fact(win['value'], win['source'], note or None)
    if others:
        f['alternatives'] = others
        f['rule'] = RULE
    return f

# ---- distributions ---------------------------------------------------------------------------------
DISTROS = {
  'opencloudos': dict(
    tier=fact('L3', TC_GUIDE, 'Tencent Cloud guide: "community stable" (社区稳定版), built from TencentOS Server'),
    upstream=fact(['tencentos'], TC_GUIDE, '"OpenCloudOS 来源于 TencentOS Server商业稳定版本的输出，在源代码上基本没有差异"'),
    support=fact('community', TC_OC_INTRO, '10 years of maintenance and updates per major version')),
  'tencentos': dict(
    tier=fact('L2', TC_GUIDE, 'Tencent Cloud guide: commercial (商业版)'),
    upstream=none('the research names no upstream of TencentOS Server'),
    support=fact('commercial', TC_TS_INTRO, 'more than 5 years of maintenance and updates per major version')),
  'openeuler': dict(
    tier=none('the Tencent guide classifies OpenCloudOS and TencentOS only; no source for openEuler\'s tier'),
    upstream=none('the research names no upstream of openEuler'),
    support=fact('community', OE_POLICY, 'LTS every 2 years with 4 years of community support; SP lifecycles per the Release SIG')),
  'anolis': dict(
    tier=none('the Tencent guide classifies OpenCloudOS and TencentOS only; no source for Anolis OS\'s tier'),
    upstream=none('the research names no upstream of Anolis OS'),
    support=fact('community', EOL_AN, 'Anolis OS 8: LTS, 10 years = 5 of development and 5 of maintenance support')),
}

# ---- releases ----------------------------------------------------------------------------------------
# id → dict(version?, ga, eolFull, eol, kernel, platform, minors, compat); absent keys stay null with a note.
def oe(ga, eol_, ga_alt=None, eol_alt=None):
    g = decide((ga, EOL_OE), ga_alt) if ga_alt else fact(ga, EOL_OE)
    e = decide((eol_, EOL_OE), eol_alt) if eol_alt else fact(eol_, EOL_OE, 'end of the SP\'s community support')
    return {'ga': g, 'eol': e}

RELEASES = {
  'opencloudos-7.9': dict(kernel=fact('5.4', OC_C7, 'the migration installs a 5.4 kernel')),
  'opencloudos-8': dict(
    ga=decide(('2022-01-26', OC_85, 'OpenCloudOS 8.5, the first official release'), ('2022-01-26', EOL_OC)),
    eolFull=fact('2027-05-31', EOL_OC, 'end of full updates (eoas)'),
    eol=decide(('2029-12', TC_PLAN, 'Tencent Cloud CVM maintenance plan; month only'), ('2029-12', TC_PLAN_OLD),
               ('2029-05-31', EOL_OC, 'relayed from docs.opencloudos.org/release/oc_intro'), ('2029-05-31', PEP_OC), ('2029-05-31', RELAY)),
    kernel=fact('5.4', TC_OC_INTRO, 'OpenCloudOS Kernel 5.4 LTS (8.5: kernel-5.4.119-19.0010)'),
    platform=decide(('platform:oc8', OC_UPDATE, 'os-release PLATFORM_ID, which dnf takes as module_platform_id'), ('platform:oc8', CI_FIXTURE),
                    ('platform:el8', OC_MOCK, 'a mock build config of OpenCloudOS 8.5 sets module_platform_id=platform:el8'), dates=False),
    minors=fact(['8.5', '8.6', '8.8', '8.10'], OC_FAQ, '8.5 from the release announcement; 8.6, 8.8, 8.10 listed by the migration docs (OC8toOC9, migrate_FAQ)'),
    compat=fact(['rhel-8'], OC_V86, 'userspace 100% binary compatible with RHEL 8')),
  'opencloudos-9': dict(
    ga=fact('2023-04-30', EOL_OC), eolFull=fact('2030-04-30', EOL_OC, 'end of full updates (eoas)'),
    eol=decide(('2033-04-30', EOL_OC), ('2033-04-30', PEP_OC)),
    kernel=decide(('6.6', OC_V96, '9.6: Linux 6.6.119 (9.2 and later: 6.6)'), ('6.1', OC_V90, '9.0 shipped Kernel 6.1'), dates=False),
    platform=fact('platform:oc9.0', OC9_OS_RELEASE, 'observed on 9.0; later minors not recorded'),
    minors=fact(['9.0', '9.2', '9.4', '9.6'], OC_8TO9)),
  'opencloudos-stream': dict(
    version='Stream 23',
    kernel=fact('6.1', OC_GRUB, 'OpenCloudOS Stream 23: 6.1.26-2303.1.0.ocs23'),
    platform=fact('platform:ocs23', OCS_OS_RELEASE)),
  'tencentos-2.4': dict(
    eol=decide(('2024-12-31', TC_PLAN_OLD, 'TencentOS Server 2'), ('2027-12-31', TC_PLAN, 'TencentOS Server 2'), ('2024-12-31', TC_FAQ, 'TencentOS Server 2'),
               ('2032-12-31', RELAY, 'TencentOS Server 2.4, relaying cloud.tencent.com/document/product/1397/110955 (not available offline)')),
    kernel=fact('5.4', TC_TO_TS, 'TencentOS Server 2.4 (TK4), the variant the migration installs; TS 2.4 (TK3) runs 4.14 (tencent:tencentos-faq)'),
    platform=none('TencentOS Server 2.4 os-release has no PLATFORM_ID (blog:os-release-dumps)'),
    compat=fact(['centos-7'], TC_FAQ, 'TS 2: CentOS 7 userspace')),
  'tencentos-3.1': dict(
    eol=decide(('2029-12-31', TC_PLAN, 'TencentOS Server 3'), ('2029-12-31', TC_PLAN_OLD), ('2029-12-31', TC_FAQ)),
    kernel=fact('5.4', TC_TO_TS, 'TencentOS Server 3.1 (TK4): tkernel4, based on 5.4'),
    platform=decide(('platform:el8', OS_RELEASE_BLOG), ('platform:el3', CI_FIXTURE, 'probably a typo in the fixture'), dates=False),
    compat=fact(['rhel-8'], TC_FAQ, 'TS 3: the latest RHEL 8 userspace')),
  'tencentos-3.2': dict(
    eol=decide(('2029-12-31', TC_PLAN, 'TencentOS Server 3'), ('2029-12-31', TC_PLAN_OLD), ('2029-12-31', TC_FAQ)),
    compat=fact(['rhel-8'], TC_FAQ, 'TS 3: the latest RHEL 8 userspace')),
  'tencentos-3.3': dict(
    eol=decide(('2029-12-31', TC_PLAN, 'TencentOS Server 3'), ('2029-12-31', TC_PLAN_OLD), ('2029-12-31', TC_FAQ),
               ('2032-12-31', RELAY, 'TencentOS Server 3.3, relaying cloud.tencent.com/document/product/1397/110955')),
    compat=fact(['rhel-8'], TC_FAQ, 'TS 3: the latest RHEL 8 userspace')),
  'tencentos-4': dict(
    eol=fact('2036-04-30', RELAY, 'TencentOS Server 4.6, relaying cloud.tencent.com/document/product/1397/110955 (no first-hand source)'),
    kernel=fact('6.6', TS4_KERNEL, '6.6.117-45.7.3.tl4')),
  'openeuler-20.03': dict(**oe('2020-03-26', '2021-03-31'), kernel=fact('4.19', OE_2003_KERNEL, '4.19.90-2003.4.0.0036.oe1')),
  'openeuler-20.03-sp1': oe('2020-12-31', '2022-12-31'),
  'openeuler-20.03-sp2': oe('2021-07-14', '2022-04-30'),
  'openeuler-20.03-sp3': oe('2021-12-31', '2023-12-31', eol_alt=('2025-12', REPOLOGY, 'valid_till')),
  'openeuler-20.03-sp4': oe('2023-12-12', '2025-11-30', ga_alt=('2023-11-28', OE_2003SP4, 'Release SIG plan'), eol_alt=('2025-12', REPOLOGY, 'valid_till')),
  'openeuler-22.03': dict(**oe('2022-03-31', '2024-03-31', ga_alt=('2022-03-30', OE_2203, 'Release SIG plan')), kernel=fact('5.10', OE_2203)),
  'openeuler-22.03-sp1': oe('2022-12-29', '2024-12-31'),
  'openeuler-22.03-sp2': oe('2023-06-30', '2024-03-31'),
  'openeuler-22.03-sp3': oe('2023-12-31', '2025-12-31'),
  'openeuler-22.03-sp4': oe('2024-06-29', '2026-06-30'),
  'openeuler-24.03': dict(**oe('2024-06-04', '2026-05-31', ga_alt=('2024-06-06', OE_2403, 'Release SIG plan')), kernel=fact('6.6', OE_2403)),
  'openeuler-24.03-sp1': oe('2024-12-31', '2026-12-31'),
  'openeuler-24.03-sp2': oe('2025-06-26', '2026-03-31'),
  'openeuler-24.03-sp3': oe('2025-12-31', '2027-12-31'),
  'openeuler-24.03-sp4': oe('2026-06-30', '2027-03-31'),
  'anolis-7': dict(eol=fact('2028-06-30', RELAY, 'Anolis OS 7.9, relaying gitee anolis/rnotes life-cycle.md (no first-hand source)')),
  'anolis-8': dict(
    ga=fact('2021-05-10', EOL_AN), eol=decide(('2031-03-31', EOL_AN), ('2031-03-31', PEP_AN)),
    kernel=fact('5.10', AN_KERNEL, 'ANCK 5.10 (5.10.134-19.3.1.an8); Anolis 8 also ships RHCK 4.18 and ANCK 4.19')),
  'anolis-23': dict(
    eol=decide(('2030-06-30', PEP_AN), ('2030-06-30', RELAY)),
    kernel=fact('5.10', AN23, '5.10.134-15.1.an23'), platform=fact('platform:an23', AN23)),
}
# Releases the research adds to the catalog (id, distribution, version).
NEW_RELEASES = [
  ('tencentos-3.2', 'tencentos', '3.2'), ('tencentos-3.3', 'tencentos', '3.3'),
  *[(f'openeuler-{v}-sp{n}', 'openeuler', f'{v}-SP{n}') for v in ('20.03', '22.03', '24.03') for n in (1, 2, 3, 4)],
  ('anolis-23', 'anolis', '23'),
]
# An openEuler SP's existence comes from the per-SP lifecycle pages (endoflife:openeuler); TencentOS 3.2/3.3 from tencent:security-advisory-2026-08.

def apply_release(r):
    """Overlays the research's facts on a generated release record."""
    x = RELEASES.get(r['id'])
    if x is None: return r
    if 'version' in x: r['version'], r['major'] = x['version'], int(re.search(r'\d+', x['version']).group(0))
    for k in ('ga', 'eolFull', 'eol', 'eolExtended'):
        if k in x: r[k] = x[k]
        elif r[k]['source'] is None: r[k] = none(NOT_FOUND)
    if 'kernel' in x: r['kernel'] = x['kernel']
    if 'platform' in x: r['modulePlatformId'] = x['platform']
    if 'compat' in x: r['compatibleWith'] = x['compat']
    if 'minors' in x: r['minors'] = x['minors']
    return r

# ---- vendor packages -----------------------------------------------------------------------------------
def pk(role, name, source, note=None):
    assert source in SOURCES, source
    p = {'role': role, 'name': name, 'source': source}
    if note: p['note'] = note
    return p
OC8_BRANDING = [pk('release', 'opencloudos-release', OC_FAQ, '`yum upgrade opencloudos-release`')] + [
  pk(role, f'opencloudos-{role}', MIGRATE_OC9, 'the script\'s list of OpenCloudOS 8 packages') for role in ('backgrounds', 'indexhtml', 'logos', 'logos-httpd', 'logos-ipa')]
TS_RELEASE = [pk('release', 'tencentos-release', TS_RELEASE_PKG, 'tencentos-release-3.1-11.tl3 (3.2: tencentos-release-3.2-4.tl3)')]
VENDOR = {
  'opencloudos-8': OC8_BRANDING,
  'opencloudos-9': [pk('release', 'opencloudos-release', MIGRATE_OC9), pk('repos', 'opencloudos-repos', MIGRATE_OC9, 'new in OpenCloudOS 9; ships RPM-GPG-KEY-OpenCloudOS-9')],
  'tencentos-3.1': TS_RELEASE, 'tencentos-3.2': TS_RELEASE,
  'openeuler-22.03': [pk('release', 'openEuler-release', OE_PKGS), pk('repos', 'openEuler-repos', OE_PKGS), pk('gpg-keys', 'openEuler-gpg-keys', OE_PKGS)],
}

# ---- paths -----------------------------------------------------------------------------------------------
def blocker(check, source, note):
    assert source in SOURCES, source
    return {'check': check, 'source': source, 'note': note}
TS_BLOCKERS = [blocker('gui', TC_TO_TS, '安装了图形界面 (a graphical desktop is installed): not supported by the migration'),
               blocker('i686-packages', TC_TO_TS, '安装了i686的 rpm 包 (i686 rpms are installed): not supported by the migration')]
OC_BLOCKERS = [blocker('gui', TC_TO_OC, '安装了图形界面 (a graphical desktop is installed): not supported by the migration'),
               blocker('i686-packages', TC_TO_OC, '安装了i686的 rpm 包 (i686 rpms are installed): not supported by the migration')]
# The CentOS 7 → OpenCloudOS 7.9 guide: "以下情况不支持迁移：安装了图形界面。安装了 i686 的 rpm 包。"
OC7_BLOCKERS = [blocker('gui', OC_C7, '安装了图形界面 (a graphical desktop is installed): not supported by the migration'),
                blocker('i686-packages', OC_C7, '安装了 i686 的 rpm 包 (i686 rpms are installed): not supported by the migration; '
                        'CentOS 7.2 and 7.3 public images may carry 32-bit packages: snapshot, remove them, then migrate')]
TS_RESOURCES = {'freeMemoryMiB': fact(500, TC_TO_TS, 'free memory greater than 500 MB (空闲内存大于500MB)'),
                'diskMiB': fact({'/': 10240}, TC_TO_TS, 'free system-disk space greater than 10 GB (系统盘剩余空间大于10GB)')}
# (from, to) → additions to an existing path, or a new path (method, source, note)
PATHS = {
  ('centos-7', 'tencentos-2.4'): dict(resources=TS_RESOURCES, blockers=TS_BLOCKERS),
  ('centos-8', 'tencentos-3.1'): dict(resources=TS_RESOURCES, blockers=TS_BLOCKERS),
  ('centos-8', 'opencloudos-8'): dict(blockers=OC_BLOCKERS),
  ('centos-7', 'opencloudos-7.9'): dict(
    new=('same-major-swap', OC_C7, 'migrate2opencloudos.py -v 7.9; CentOS 7.1–7.9 64-bit, x86_64 only; reboot into the 5.4 kernel'),
    resources={'freeMemoryMiB': fact(4096, OC_C7, 'free memory greater than 4 GB (空闲内存大于 4GB)'),
               'diskMiB': fact({'/': 20480}, OC_C7, 'free system-disk space greater than 20 GB (系统盘剩余空间大于 20GB)')},
    blockers=OC7_BLOCKERS),
  # Only a third-party how-to documents this path (the official doc openanolis.cn/sig/migration/doc/451732372594279514 is not available offline).
  ('centos-7', 'anolis-7'): dict(
    new=('same-major-swap', CENTOS2ANOLIS, 'centos2anolis.py (default ANCK kernel; --rhck keeps the RHEL-compatible kernel); '
         'documented by a third-party how-to only')),
}

# ---- repositories and keys -------------------------------------------------------------------------------
OC8_REPO_IDS = [('BaseOS', 'Base'), ('AppStream', 'AppStream'), ('Extras', 'Extras'), ('HighAvailability', 'HighAvailability'), ('PowerTools', 'PowerTools'),
                ('ResilientStorage', 'ResilientStorage')]
# As the source's OpenCloudOS.repo and OpenCloudOS-Sources.repo have them (every repository enabled=1, gpgcheck=0 in that mock config).
OC8_REPOS = {'release': 'opencloudos-8', 'source': OC_MOCK, 'repos': [
  {'id': rid, 'name': f'OpenCloudOS $releasever - {name}', 'baseurl': f'http://mirrors.opencloudos.tech/opencloudos/$releasever/{rid}/$basearch/os/',
   'gpgkey': ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-OpenCloudOS'], 'enabled': True} for rid, name in OC8_REPO_IDS] + [
  {'id': f'{rid}-source', 'name': f'OpenCloudOS $releasever - {name}-source', 'baseurl': f'http://mirrors.opencloudos.org/opencloudos/$releasever/{rid}/Source/',
   'gpgkey': ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-OpenCloudOS'], 'enabled': True} for rid, name in OC8_REPO_IDS]}
OCS_REPOS = {'release': 'opencloudos-stream', 'source': OC_SWM, 'repos': [
  {'id': rid, 'name': None, 'baseurl': f'https://mirrors.opencloudos.tech/opencloudos-stream/releases/$releasever/{rid}/$basearch/Packages/',
   'gpgkey': ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-OpenCloudOS-Stream'], 'enabled': True} for rid in ('BaseOS', 'AppStream')]}
REPOS = [OC8_REPOS, OCS_REPOS]
# Key files a release signs with, where no repo layout names them: release → (files, source).
GPG = {'opencloudos-9': (['RPM-GPG-KEY-OpenCloudOS-9'], MIGRATE_OC9)}
