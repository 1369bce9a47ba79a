// The one rule for repository locations, table-driven over hostile values: what becomes a baseurl, what is
// refused (and that the refusal names the argument without its credentials).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from '../../core/index.js';
import { checkRepoId, configBaseurl, parseBaseurl } from './repo-location.js';

test('parseBaseurl: paths become encoded file URLs; http, https, ftp and file URLs are kept (dnf variables too)', () => {
  const cases: [string, string][] = [
    ['/srv/mirror/rocky8', 'file:///srv/mirror/rocky8'],
    ['/srv/my repo,x/8', 'file:///srv/my%20repo,x/8'],
    ['/srv/100%/x', 'file:///srv/100%25/x'],
    ['/srv/a/../b', 'file:///srv/b'],
    ['https://mirror.example/rocky/$releasever/BaseOS/$basearch/os/', 'https://mirror.example/rocky/$releasever/BaseOS/$basearch/os/'],
    ['http://user:pa%40ss@mirror.example:8080/r', 'http://user:pa%40ss@mirror.example:8080/r'],
    ['ftp://ftp.example/pub/r', 'ftp://ftp.example/pub/r'],
    ['file:///srv/my%20repo', 'file:///srv/my%20repo'],
    ['file://localhost/srv/r', 'file:///srv/r'],
    ['HTTPS://Mirror.Example/r', 'https://mirror.example/r'],
  ];
  for (const [input, want] of cases) assert.equal(parseBaseurl(input, '--repo x'), want, input);
});

test('parseBaseurl: control characters, whitespace, other schemes and relative paths are REPO_URL_INVALID naming the argument', () => {
  const cases: [string, RegExp][] = [
    ['https://mirror.example/r\ngpgcheck=0', /control character or whitespace/],
    ['https://mirror.example/r\n[evil]\nbaseurl=https://evil.example/', /control character or whitespace/],
    ['https://mirror.example/r\rgpgcheck=0', /control character or whitespace/],
    ['https://mirror.example/r gpgcheck=0', /control character or whitespace/],
    ['https://mirror.example/r\tx', /control character or whitespace/],
    ['https://mirror.example/r\u00a0x', /control character or whitespace/],
    ['https://mirror.example/r\u2028x', /control character or whitespace/],
    ['https://mirror.example/r\u0085x', /control character or whitespace/],
    ['https://mirror.example/\u0000', /control character or whitespace/],
    ['/srv/repo\ngpgcheck=0', /control character or a non-space whitespace/],
    ['/srv/repo\tx', /control character or a non-space whitespace/],
    ['/srv/repo\u00a0x', /control character or a non-space whitespace/],
    ['srv/repo', /not an absolute path or a URL/],
    ['', /not an absolute path or a URL/],
    ['javascript:alert(1)', /javascript is not one of/],
    ['ssh://host/srv/repo', /ssh is not one of/],
    ['rsync://host/r', /rsync is not one of/],
    ['file://otherhost/srv/r', /names no host/],
    ['https:', /not an absolute path or a URL/],
  ];
  for (const [input, why] of cases) {
    assert.throws(() => parseBaseurl(input, '--repo rocky-8=…'), (e) => isFerryError(e, 'REPO_URL_INVALID') && why.test(e.message) && e.message.startsWith('--repo rocky-8=… '), JSON.stringify(input));
  }
  assert.throws(() => parseBaseurl('https://bob:s3cret@mirror.example/r\nx', '--repo r'), (e) => isFerryError(e) && !e.message.includes('s3cret') && e.message.includes('***@mirror.example'));
});

test('configBaseurl: checked again and commas encoded (dnf splits list options at commas); checkRepoId refuses section breakers', () => {
  assert.equal(configBaseurl('file:///srv/my%20repo,x', 'repo r'), 'file:///srv/my%20repo%2Cx');
  assert.equal(configBaseurl('https://m.example/a,b,c/', 'repo r'), 'https://m.example/a%2Cb%2Cc/');
  assert.throws(() => configBaseurl('file:///srv/r\ngpgcheck=0', 'The baseurl of repository r'), (e) => isFerryError(e, 'REPO_URL_INVALID') && /^The baseurl of repository r /.test(e.message));
  for (const ok of ['ferry-rocky-8-0', 'baseos', 'rocky_8.appstream:x']) assert.equal(checkRepoId(ok), ok);
  for (const bad of ['a]\n[b', 'a b', '', '-x', 'a/b', 'a\u0000']) assert.throws(() => checkRepoId(bad), (e) => isFerryError(e, 'REPO_URL_INVALID'), JSON.stringify(bad));
});
