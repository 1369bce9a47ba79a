/**
 * The contract of a step kind (osbuild's stage + meta.json): one file per kind under ./ owns the kind's
 * options type, its options JSON Schema, its title and whether it is the point of no return. `spec()` makes
 * the plan's step from options; its id is `contentId('step', {kind, options})`, the id the executor's step
 * carries and journals, so a plan printed today names exactly the steps a later run journals.
 */
import { compileSchema, contentId, type SchemaOf, type Validator } from '../../core/index.js';

/** The releases a plan converts between; titles name them (without one, a title says "the source/target"). */
export interface Conversion {
  source: string;
  target: string;
}

/** A plan step of kind `K` with options `O`, as published in the plan. */
export interface StepSpecShape<K extends string, O> {
  id: string;
  kind: K;
  title: string;
  options: O;
  /** Present (true) on the point of no return; once it starts, rollback is refused. */
  pointOfNoReturn?: true;
}

export interface StepKind<K extends string, O> {
  readonly kind: K;
  readonly pointOfNoReturn: boolean;
  readonly schema: SchemaOf<O>;
  readonly validator: Validator<O>;
  title(options: O, conversion?: Conversion): string;
  spec(options: O, conversion?: Conversion): StepSpecShape<K, O>;
}

export function defineStepKind<K extends string, O>(def: {
  kind: K;
  pointOfNoReturn?: boolean;
  schema: SchemaOf<O>;
  title(options: O, conversion?: Conversion): string;
}): StepKind<K, O> {
  const pointOfNoReturn = def.pointOfNoReturn ?? false;
  return {
    kind: def.kind,
    pointOfNoReturn,
    schema: def.schema,
    validator: compileSchema<O>(def.schema),
    title: def.title,
    spec: (options, conversion) => ({
      id: contentId('step', { kind: def.kind, options }), kind: def.kind, title: def.title(options, conversion), options,
      ...(pointOfNoReturn ? { pointOfNoReturn: true as const } : {}),
    }),
  };
}

/** Schema of a list of absolute paths. */
export const PATHS_SCHEMA: SchemaOf<string[]> = { type: 'array', items: { type: 'string', pattern: '^/' } };
/** Schema of a list of package (or repo, key) names. */
export const NAMES_SCHEMA: SchemaOf<string[]> = { type: 'array', items: { type: 'string', minLength: 1 } };
