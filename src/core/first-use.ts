/**
 * A CommonJS dependency loaded on its first use rather than when the importing module loads: a parser or
 * validator only some commands need (ajv ~25 ms, yaml ~20 ms of start-up each) stays out of every other
 * command's process. Synchronous (require), so the callers' APIs stay synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `() => require(specifier)`, required once. Pair with `import type * as M from 'specifier'` for `T`. */
export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
