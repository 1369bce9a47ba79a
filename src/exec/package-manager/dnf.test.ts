// The dnf adapter's configuration and argv, table-driven over hostile values: nothing from data can add an
// option, a section or a repository to the configuration, a path reaches dnf as one argv element, and a
// package name can never become a dnf option or a second line of a transaction script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../../core/index.js';
import { createLocalTransport } from '../../transport/local.js';
import { diskShortage, dnfArgv, dnfConfig, parseModuleList, transactionScript } from './dnf.js';
import type { PackageManagerEnv } from './types.js';

const env = (over: Partial<PackageManagerEnv> = {}): PackageManagerEnv =>
  ({ releasever: '8', modulePlatformId: 'platform:el8', gpgcheck: true, repos: [{ id: 'rocky-8', baseurl: 'file:///srv/rocky8' }], ...over });

/** The sections of an ini text and each one's keys, in order. */
function sections(text: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const line of text.split('\n')) {
    const s = /^\[(.*)\]$/.exec(line);
    if (s) out.push([s[1], []]);
    else if (line) out[out.length - 1][1].push(line.split('=')[0]);
  }
  return out;
}

test('dnfConfig: [main] without the host repos, one section per repository, commas in baseurls encoded', () => {
  const text = dnfConfig(env({ gpgcheck: false, repos: [{ id: 'a', baseurl: 'file:///srv/my%20repo,x' }, { id: 'b', baseurl: 'https://u:p@m.example/$releasever/' }] }));
  assert.deepEqual(sections(text), [
    ['main', ['gpgcheck', 'installonly_limit', 'best', 'skip_if_unavailable', 'clean_requirements_on_remove', 'install_weak_deps', 'reposdir']],
    ['a', ['name', 'baseurl', 'gpgcheck', 'enabled']],
    ['b', ['name', 'baseurl', 'gpgcheck', 'enabled']],
  ]);
  assert.match(text, /^reposdir=\/dev\/null$/m);
  assert.match(text, /^baseurl=file:\/\/\/srv\/my%20repo%2Cx$/m);
  assert.match(text, /^baseurl=https:\/\/u:p@m\.example\/\$releasever\/$/m, 'the host config keeps the real URL');
  assert.equal(text.match(/^gpgcheck=0$/gm)?.length, 3);
});

test('dnfConfig isolated (migrate --dry-run): cachedir, logdir and persistdir below the private dir, in [main]; dnfArgv sets no directory', async () => {
  const text = dnfConfig(env(), '/var/tmp/ferry-dnf.0123abcd');
  assert.deepEqual(sections(text)[0], ['main', ['gpgcheck', 'installonly_limit', 'best', 'skip_if_unavailable', 'clean_requirements_on_remove', 'install_weak_deps', 'reposdir', 'cachedir', 'logdir', 'persistdir']]);
  assert.match(text, /^cachedir=\/var\/tmp\/ferry-dnf\.0123abcd\/cache\nlogdir=\/var\/tmp\/ferry-dnf\.0123abcd\/log\npersistdir=\/var\/tmp\/ferry-dnf\.0123abcd\/lib$/m);
  assert.throws(() => dnfConfig(env(), '/var/tmp/x\ncachedir=/'), /not a plain absolute path/);
  const t = createLocalTransport({ root: '/tmp/lab root' });
  const argv = dnfArgv(t, env(), '/tmp/lab root/var/tmp/ferry-dnf.0123abcd/dnf/dnf.conf');
  assert.ok(argv.includes('--installroot') && !argv.some((a) => /cachedir|logdir|persistdir/.test(a)), argv.join(' '));
  await t.close();
});

test('dnfConfig: a hostile baseurl, repo id, releasever or module platform is refused, never written', () => {
  const cases: [Partial<PackageManagerEnv>, string, RegExp][] = [
    [{ repos: [{ id: 'r', baseurl: 'file:///srv/r\ngpgcheck=0' }] }, 'REPO_URL_INVALID', /baseurl of repository r/],
    [{ repos: [{ id: 'r', baseurl: 'https://m.example/r\n[evil]\nbaseurl=https://evil.example/\ngpgcheck=0' }] }, 'REPO_URL_INVALID', /control character/],
    [{ repos: [{ id: 'r', baseurl: 'https://m.example/a b' }] }, 'REPO_URL_INVALID', /whitespace/],
    [{ repos: [{ id: 'r', baseurl: 'srv/relative' }] }, 'REPO_URL_INVALID', /not an absolute path/],
    [{ repos: [{ id: 'r]\ngpgcheck=0\n[s', baseurl: 'file:///srv/r' }] }, 'REPO_URL_INVALID', /cannot name a repository section/],
    [{ releasever: '8\n[evil]' }, 'STEP_FAILED', /releasever/],
    [{ modulePlatformId: 'platform:el8\ngpgcheck=0' }, 'STEP_FAILED', /module_platform_id/],
  ];
  for (const [over, code, why] of cases) {
    assert.throws(() => dnfConfig(env(over)), (e) => isFerryError(e) && e.code === code && why.test(e.message), JSON.stringify(over));
  }
});

test('dnfArgv: a root or config path with spaces and commas is one argv element; never in a list-valued option', async () => {
  const root = '/tmp/lab root, one';
  const t = createLocalTransport({ root });
  const conf = `${root}/var/lib/ferry/e 1,2/dnf/dnf.conf`;
  assert.deepEqual(dnfArgv(t, env({ gpgcheck: false }), conf), [
    'dnf', '-y', '--config', conf, '--setopt=reposdir=/dev/null', '--releasever', '8', '--setopt=best=True', '--disableplugin=*',
    '--installroot', root, '--nogpgcheck', '--setopt=module_platform_id=platform:el8',
  ]);
  const live = createLocalTransport();
  assert.deepEqual(dnfArgv(live, env({ modulePlatformId: null }), '/var/lib/ferry/e1/dnf/dnf.conf'),
    ['dnf', '-y', '--config', '/var/lib/ferry/e1/dnf/dnf.conf', '--setopt=reposdir=/dev/null', '--releasever', '8', '--setopt=best=True', '--disableplugin=*']);
  await live.close();
  assert.deepEqual(dnfArgv(t, null), ['dnf', '-y', '--installroot', root], 'no env: the host\'s own configuration (and its cache below the root)');
  assert.throws(() => dnfArgv(t, env({ releasever: '--setopt=gpgcheck=0' }), conf), (e) => isFerryError(e, 'STEP_FAILED'));
  await t.close();
});

test('transactionScript: one line per action; a name that is an option, a second line or two words is refused', () => {
  assert.equal(transactionScript({ remove: ['centos-release', 'centos-repos'], install: ['rocky-release'] }), 'remove centos-release centos-repos\ninstall rocky-release\nrun\n');
  assert.equal(transactionScript({ remove: [], install: ['gcc-c++', 'ferry-a-0:1.0-1.el8_4.noarch'] }), 'install gcc-c++ ferry-a-0:1.0-1.el8_4.noarch\nrun\n');
  assert.equal(transactionScript({ remove: ['x'], install: [] }), 'remove x\nrun\n');
  for (const bad of ['a\nrun', 'a\rrun', '--setopt=gpgcheck=0', '-x', 'a b', "a'b", 'a;b', 'a"b', 'a\\b', '']) {
    assert.throws(() => transactionScript({ remove: [bad], install: ['ok'] }), (e) => isFerryError(e, 'STEP_FAILED'), JSON.stringify(bad));
    assert.throws(() => transactionScript({ remove: [], install: [bad] }), (e) => isFerryError(e, 'STEP_FAILED'), JSON.stringify(bad));
  }
  assert.throws(() => transactionScript({ remove: [], install: [] }), /Assertion failed/);
});

test('parseModuleList: name:stream of the modules asked for, markers dropped', () => {
  const text = 'Rocky Linux 8 - AppStream\nName    Stream   Profiles  Summary\nnodejs  10 [d][e]  common    JavaScript\nnodejs  12       common    JavaScript\nperl    5.26     common    Perl\n\nHint: [d]efault';
  assert.deepEqual([...parseModuleList(text, ['nodejs'])].sort(), ['nodejs:10', 'nodejs:12']);
  assert.deepEqual([...parseModuleList(text, ['ruby'])], []);
});

test('diskShortage: dnf\'s and rpm\'s words for a full disk, and nothing else', () => {
  const rows: Array<[string, string | undefined]> = [
    // dnf 4.14 on the lab, its root filled at the start of distro-sync (test/e2e/faults-host.test.ts)
    ['Downloading Packages:\nRunning transaction check\n[Errno 28] No space left on device\n', '[Errno 28] No space left on device'],
    ['Error: Transaction test error:\n  installing package foo-1-1.x86_64 needs 12MB more space on the / filesystem\n', 'installing package foo-1-1.x86_64 needs 12MB more space on the / filesystem'],
    ['Disk Requirements:\n   At least 12MB more space needed on the / filesystem.\n', 'At least 12MB more space needed on the / filesystem.'],
    ['Error: Unable to find a match: nosuch\n', undefined],
  ];
  for (const [output, want] of rows) assert.equal(diskShortage(output), want, output);
});
