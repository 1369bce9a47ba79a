import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync, createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { isFerryError } from '../../core/index.js';
import { sharedPath, skipUnlessShared } from '../../../test/support/shared.js';
import { readComps } from './comps.js';

const F19 = ['repodata', 'fedora-modular-createrepo_c', 'comps-f19.xml'];
const BASEOS = ['repodata', 'cs9-baseos-20220207', 'repodata'];
const APPSTREAM = ['repodata', 'cs9-appstream-20250113', 'repodata'];

const chunked = (s: string | Buffer, size = 5) => {
  const b = Buffer.from(s);
  return Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));
};
const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;
const compsIn = (parts: string[]) => {
  const dir = sharedPath(...parts);
  return `${dir}/${readdirSync(dir).find((f) => f.includes('comps'))}`;
};

test('Fedora 19 comps excerpt: group, environment with translations, category, langpacks', { skip: skipUnlessShared(...F19) }, async () => {
  const comps = await readComps(chunked(readFileSync(sharedPath(...F19))), { file: 'comps-f19.xml' });
  assert.deepEqual(comps.groups, [{
    id: '3d-printing',
    name: { text: '3D Printing', translations: {} },
    description: { text: '3D printing software', translations: {} },
    default: false,
    uservisible: true,
    packages: [{ name: 'blender', type: 'default' }, { name: 'cura', type: 'default' }],
  }]);
  const [env] = comps.environments;
  assert.equal(env.id, 'gnome-desktop-environment');
  assert.deepEqual(env.name, { text: 'GNOME Desktop', translations: { cs: 'Pracovní prostředí GNOME', de: 'GNOME-Desktop' } });
  assert.equal(env.displayOrder, 5);
  assert.deepEqual(env.groups, ['base-x']);
  assert.deepEqual(env.options, [{ id: '3d-printing', default: false }]);
  assert.deepEqual(comps.categories[0].groups, ['firefox', 'gnome-desktop', 'gnome-games', 'epiphany', 'libreoffice']);
  assert.deepEqual(comps.langpacks, [
    { name: 'LabPlot-doc', install: 'LabPlot-doc-%s' },
    { name: 'aspell', install: 'aspell-%s' },
  ]);
});

test('CentOS Stream 9 BaseOS and AppStream comps: every group, environment and packagereq', {
  skip: skipUnlessShared(...BASEOS) || skipUnlessShared(...APPSTREAM),
}, async () => {
  for (const parts of [BASEOS, APPSTREAM]) {
    const path = compsIn(parts);
    const gz = path.endsWith('.gz');
    const text = (gz ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString('utf8');
    const source = gz ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
    const comps = await readComps(source, { file: path });
    assert.equal(comps.groups.length, count(text, /<group>/g), path);
    assert.equal(comps.environments.length, count(text, /<environment>/g), path);
    assert.equal(comps.categories.length, count(text, /<category>/g), path);
    assert.equal(comps.groups.flatMap((g) => g.packages).length, count(text, /<packagereq /g), path);
    for (const type of ['mandatory', 'default', 'optional', 'conditional']) {
      assert.equal(comps.groups.flatMap((g) => g.packages).filter((p) => p.type === type).length,
        count(text, new RegExp(`<packagereq [^>]*type="${type}"`, 'g')), `${path} ${type}`);
    }
  }
  const base = await readComps(createReadStream(compsIn(BASEOS)).pipe(createGunzip()), { file: 'baseos comps' });
  const core = base.groups.find((g) => g.id === 'core');
  assert.ok(core);
  assert.equal(core.default, true);
  assert.ok(core.packages.some((p) => p.name === 'dnf' && p.type === 'mandatory'));
  const devel = base.groups.find((g) => g.id === 'additional-devel');
  assert.deepEqual(devel?.packages.slice(0, 2), [{ name: 'hmaccalc', type: 'mandatory' }, { name: 'lz4', type: 'mandatory' }]);
  assert.equal(devel?.uservisible, false);
  const server = base.environments.find((e) => e.id === 'server-product-environment');
  assert.ok(server && server.groups.includes('core'));
});

test('conditional packagereq, langonly and option defaults', async () => {
  const comps = await readComps(chunked(`<?xml version="1.0"?>
<!DOCTYPE comps SYSTEM "comps.dtd">
<comps><group><id>g</id><name>G</name><langonly>de</langonly><packagelist>
<packagereq type="conditional" requires="gimp">gimp-help-de</packagereq><packagereq>plain</packagereq>
</packagelist></group><environment><id>e</id><name>E</name><optionlist><groupid default="true">g</groupid></optionlist></environment></comps>`), { file: 'c.xml' });
  assert.deepEqual(comps.groups[0].packages, [
    { name: 'gimp-help-de', type: 'conditional', requires: 'gimp' },
    { name: 'plain', type: 'mandatory' },
  ]);
  assert.equal(comps.groups[0].langonly, 'de');
  assert.deepEqual(comps.environments[0].options, [{ id: 'g', default: true }]);
});

async function expectError(xml: string, code: 'REPO_METADATA' | 'REPO_HOSTILE_XML' | 'REPO_TRUNCATED', re: RegExp) {
  await assert.rejects(readComps(chunked(xml, 3), { file: 'bad-comps.xml' }), (err: unknown) => {
    assert.ok(isFerryError(err, code), String(err));
    assert.match(err.message, /bad-comps\.xml/);
    assert.match(err.message, re);
    return true;
  });
}

test('a DTD with an internal subset, entities and malformed comps are refused', async () => {
  await expectError('<?xml version="1.0"?><!DOCTYPE comps [<!ENTITY a "aaaa">]><comps/>', 'REPO_HOSTILE_XML', /DOCTYPE/);
  await expectError('<!DOCTYPE comps SYSTEM "file:///etc/passwd" [<!ENTITY x SYSTEM "file:///etc/shadow">]><comps>&x;</comps>',
    'REPO_HOSTILE_XML', /./);
  await expectError('<comps><group><id>g</id><name>&lol9;</name></group></comps>', 'REPO_HOSTILE_XML', /&lol9;/);
  await expectError('<comps><group><id>g</id><packagelist><packagereq type="always">x</packagereq></packagelist></group></comps>',
    'REPO_METADATA', /group g: packagereq type "always"/);
  await expectError('<comps><group><name>x</name></group></comps>', 'REPO_METADATA', /group: no <id>/);
  await expectError('<comps><group><id>g</id>', 'REPO_TRUNCATED', /./);
});
