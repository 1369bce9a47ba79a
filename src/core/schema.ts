/**
 * The one schema/validation module (osbuild's meta.py model): a JSON Schema is compiled once, a value is
 * validated against it, and every error is reported with its JSON path (`/steps/3/options/dnf/repos/0/baseurl:
 * must be string`). Documents Ferry reads back (a plan from a host or the store, a verify report, the backup's
 * evidence) go through `parseDocument`/`checkDocument`, which refuse a malformed one with DOCUMENT_INVALID
 * naming the document and where it came from.
 */
import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { assert, FerryError } from './errors.js';
import { onFirstUse } from './first-use.js';

const ajv = onFirstUse<typeof AjvModule>('ajv');

/**
 * A JSON Schema for the TypeScript type `T`, checked by the compiler: a property of type `X | null` must say
 * `nullable: true`, a union of literals must list them (`enum`/`const`), an object lists its properties and
 * refuses others, a `Record<string, X>` gives `additionalProperties`. (ajv's own JSONSchemaType reads
 * `null` as "optional" and so cannot describe a required nullable property, which plan data has.)
 */
export type SchemaOf<T> = [T] extends [string | null] ? WithNull<T, StringSchema<NonNullable<T>, T>>
  : [T] extends [number | null] ? WithNull<T, NumberSchema<NonNullable<T>, T>>
  : [T] extends [boolean | null] ? WithNull<T, { type: 'boolean' }>
  : [T] extends [readonly (infer E)[] | null] ? WithNull<T, { type: 'array'; items: SchemaOf<E>; minItems?: number; uniqueItems?: boolean }>
  : [T] extends [object | null] ? WithNull<T, ObjectSchema<NonNullable<T>>>
  : never;

type Annotated = { description?: string; title?: string };
type WithNull<T, S> = Annotated & (null extends T ? S & { nullable: true } : S & { nullable?: false });
type StringSchema<S extends string, T> = { type: 'string'; minLength?: number; maxLength?: number; pattern?: string }
  & (string extends S ? { enum?: readonly T[] } : { enum: readonly T[] } | { const: S });
type NumberSchema<N extends number, T> = { type: 'number' | 'integer'; minimum?: number; maximum?: number }
  & (number extends N ? { enum?: readonly T[] } : { enum: readonly T[] } | { const: N });
type RequiredKeys<O> = { [K in keyof O]-?: undefined extends O[K] ? never : K }[keyof O];
type ObjectSchema<O> = string extends keyof O
  ? { type: 'object'; additionalProperties: SchemaOf<O[keyof O]>; propertyNames?: { pattern: string } }
  : { type: 'object'; properties: { [K in keyof O]-?: SchemaOf<Exclude<O[K], undefined>> }; required: readonly RequiredKeys<O>[]; additionalProperties: false };

export interface SchemaError {
  /** JSON pointer of the offending value ('' for the whole document). */
  path: string;
  message: string;
}

export interface Validator<T> {
  /** True when `value` is a `T`; on false, `errors(value)` says why. */
  is(value: unknown): value is T;
  /** Every error of `value`, each with its JSON path; [] when it validates. */
  errors(value: unknown): SchemaError[];
}

/**
 * Strict mode refuses schemas with unknown keywords or ambiguous types (the default, for schemas Ferry
 * writes); the catalog's schemas use annotations ajv's strict mode does not know, hence the option.
 * Created on first use, like the validators: see compileSchema.
 */
let instances: { strict: Ajv; lax: Ajv } | undefined;

/**
 * A validator for `schema`, compiled once, on its first use: modules declare their validators at load time,
 * and compiling them all there (ajv generates and evaluates code per schema) cost every `ferry` start-up
 * about 150 ms, whichever command ran. The validator reports all errors.
 */
export function compileSchema<T>(schema: SchemaOf<T> | Record<string, unknown>, options: { strict?: boolean } = {}): Validator<T> {
  let compiled: ValidateFunction<T> | undefined;
  const fn = (): ValidateFunction<T> => {
    const { Ajv: AjvClass } = ajv();
    instances ??= { strict: new AjvClass({ allErrors: true, strict: true }), lax: new AjvClass({ allErrors: true, strict: false }) };
    compiled ??= instances[options.strict === false ? 'lax' : 'strict'].compile<T>(schema);
    return compiled;
  };
  return {
    is: (value: unknown): value is T => fn()(value),
    errors: (value) => {
      const validate = fn();
      return validate(value) ? [] : schemaErrorsOf(validate.errors ?? []);
    },
  };
}

/**
 * ajv's errors as path + message. The `if` keyword's own error ("must match then schema") is dropped: the
 * errors of the `then` branch it selected say what is wrong, at their paths.
 */
function schemaErrorsOf(errors: readonly ErrorObject[]): SchemaError[] {
  return errors.filter((e) => e.keyword !== 'if').map((e) => ({ path: e.instancePath, message: messageOf(e) }));
}

function messageOf(e: ErrorObject): string {
  const base = e.message ?? 'invalid';
  const p: Record<string, unknown> = e.params;
  if (Array.isArray(p.allowedValues)) return `${base} (${p.allowedValues.map(String).join(', ')})`;
  if (typeof p.additionalProperty === 'string') return `${base} (${p.additionalProperty})`;
  if (p.allowedValue !== undefined) return `${base} (${JSON.stringify(p.allowedValue)})`;
  return base;
}

/** `path: message`, with `/` for the document itself. */
export function formatSchemaError(e: SchemaError): string {
  return `${e.path || '/'}: ${e.message}`;
}

/** A document read back, and where from: e.g. `{document: 'plan', from: 'host db1, /var/lib/ferry/x/plan.json'}`. */
export interface DocumentOrigin {
  document: string;
  from: string;
}

/** DOCUMENT_INVALID listing every error, for the document at `origin`. */
export function documentInvalid(origin: DocumentOrigin, errors: readonly SchemaError[]): FerryError {
  assert(errors.length > 0, `${origin.document} refused without an error`);
  return new FerryError('DOCUMENT_INVALID', `The ${origin.document} from ${origin.from} is not valid:\n  ${errors.map(formatSchemaError).join('\n  ')}`, {
    hint: 'It was changed or damaged outside Ferry; restore it from a copy, or start again (ferry rollback, ferry migrate).',
    details: { document: origin.document, from: origin.from, errors: [...errors] },
  });
}

/** `value` as a `T`, or DOCUMENT_INVALID with every error's JSON path. `extra` adds checks a schema cannot state. */
export function checkDocument<T>(validator: Validator<T>, value: unknown, origin: DocumentOrigin, extra?: (doc: T) => SchemaError[]): T {
  if (!validator.is(value)) throw documentInvalid(origin, validator.errors(value));
  const more = extra?.(value) ?? [];
  if (more.length > 0) throw documentInvalid(origin, more);
  return value;
}

/** Parses JSON text and checks it (checkDocument); text that is not JSON is DOCUMENT_INVALID too. */
export function parseDocument<T>(validator: Validator<T>, text: string, origin: DocumentOrigin, extra?: (doc: T) => SchemaError[]): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw documentInvalid(origin, [{ path: '', message: `is not JSON (${cause instanceof Error ? cause.message : String(cause)})` }]);
  }
  return checkDocument(validator, value, origin, extra);
}
