/** The one JSON value type: what a plan's options, a journal's data and the store's documents are made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** True when `v` is plain JSON data (what JSON.parse could have produced): no undefined, function, NaN or class instance. */
export function isJsonValue(v: unknown): v is JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (typeof v === 'object') {
    const proto: unknown = Object.getPrototypeOf(v);
    return (proto === Object.prototype || proto === null) && Object.values(v).every(isJsonValue);
  }
  return false;
}

/**
 * A published document (plain data: no functions; undefined members dropped, as JSON drops them) as a
 * JsonValue: what the store takes. The one copy of this round trip.
 */
export function toJsonValue(doc: object): JsonValue {
  return JSON.parse(JSON.stringify(doc)) as JsonValue;
}
