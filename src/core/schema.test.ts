import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFerryError } from './errors.js';
import { isJsonValue } from './json.js';
import { checkDocument, compileSchema, parseDocument, type SchemaOf } from './schema.js';

type Doc = { name: string; repos: { id: string; baseurl: string }[]; mode: 'a' | 'b'; note: string | null };
const DOC_SCHEMA: SchemaOf<Doc> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    repos: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, baseurl: { type: 'string' } }, required: ['id', 'baseurl'], additionalProperties: false } },
    mode: { type: 'string', enum: ['a', 'b'] },
    note: { type: 'string', nullable: true },
  },
  required: ['name', 'repos', 'mode', 'note'],
  additionalProperties: false,
};
const doc = compileSchema(DOC_SCHEMA);
const origin = { document: 'test document', from: 'host h1, /x/doc.json' };

test('compileSchema: every error, each with its JSON path', () => {
  const good: Doc = { name: 'n', repos: [{ id: 'r', baseurl: 'file:///r' }], mode: 'a', note: null };
  assert.deepEqual(doc.errors(good), []);
  assert.ok(doc.is(good));
  const cases: [string, unknown, string[]][] = [
    ['wrong type deep inside', { ...good, repos: [{ id: 'r', baseurl: 7 }] }, ['/repos/0/baseurl: must be string']],
    ['missing field', { repos: [], mode: 'a', note: null }, ["/: must have required property 'name'"]],
    ['unknown field and bad enum, both reported', { ...good, mode: 'c', extra: 1 }, ['/: must NOT have additional properties (extra)', '/mode: must be equal to one of the allowed values (a, b)']],
  ];
  for (const [name, value, want] of cases) {
    assert.equal(doc.is(value), false, name);
    assert.deepEqual(doc.errors(value).map((e) => `${e.path || '/'}: ${e.message}`).sort(), want.sort(), name);
  }
});

test('checkDocument/parseDocument: DOCUMENT_INVALID names the document, its origin and each path', () => {
  assert.throws(() => parseDocument(doc, '{"name": 1, "repos": [], "mode": "a", "note": null}', origin), (e: unknown) =>
    isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('test document from host h1, /x/doc.json') && e.message.includes('/name: must be string'));
  assert.throws(() => parseDocument(doc, '{"name": ', origin), (e: unknown) => isFerryError(e, 'DOCUMENT_INVALID') && /\/: is not JSON/.test(e.message));
  const extra = (d: Doc) => (d.repos.length ? [] : [{ path: '/repos', message: 'must name a repository' }]);
  assert.throws(() => checkDocument(doc, { name: 'n', repos: [], mode: 'b', note: 'x' }, origin, extra), (e: unknown) =>
    isFerryError(e, 'DOCUMENT_INVALID') && e.message.includes('/repos: must name a repository'));
  assert.equal(checkDocument(doc, { name: 'n', repos: [{ id: 'r', baseurl: 'u' }], mode: 'b', note: 'x' }, origin, extra).name, 'n');
});

test('isJsonValue: plain data only', () => {
  const cases: [unknown, boolean][] = [
    [{ a: [1, 'x', null, true, { b: {} }] }, true], [Object.create(null), true],
    [{ a: undefined }, false], [Number.NaN, false], [new Date(0), false], [[() => 1], false], [undefined, false],
  ];
  for (const [i, [v, want]] of cases.entries()) assert.equal(isJsonValue(v), want, `case ${i}`);
});

test('SchemaOf: the compiler refuses a schema that disagrees with its type', () => {
  // Each line fails to compile without its @ts-expect-error; at run time they are plain objects.
  // @ts-expect-error a nullable property must say nullable: true
  const noNull: SchemaOf<{ a: string | null }> = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  // @ts-expect-error a union of literals must list its values
  const noEnum: SchemaOf<{ a: 'x' | 'y' }> = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  // @ts-expect-error a number is not a string
  const wrong: SchemaOf<{ a: number }> = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  assert.deepEqual([noNull, noEnum, wrong].map((s) => s.type), ['object', 'object', 'object']);
});

test('compileSchema compiles on first use: declaring a validator costs nothing, a schema ajv refuses fails where it is used', () => {
  const refused = compileSchema({ type: 'object', properties: {}, required: [], additionalProperties: false, notAKeyword: 1 });
  assert.throws(() => refused.is({}), /unknown keyword: "notAKeyword"/);
  assert.throws(() => refused.errors({}), /unknown keyword: "notAKeyword"/);
  const lax = compileSchema({ type: 'object', notAKeyword: 1 }, { strict: false });
  assert.equal(lax.is({}), true);
  assert.deepEqual(lax.errors([]), [{ path: '', message: 'must be object' }]);
});
