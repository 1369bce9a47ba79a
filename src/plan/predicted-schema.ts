/**
 * The JSON Schema of the predicted transaction `ferry plan --json` publishes beside the plan (src/plan/predicted.ts
 * publishedPlan), for the plan schema (schema.ts). It states src/assess/predict.ts's Prediction, PredictedChange and
 * ErasureCause; src/plan/predicted.test.ts validates real predictions against it.
 */
const str = { type: 'string' };

/** ErasureCause (src/assess/predict.ts), recursive through `cause`: the plan schema's `definitions.erasureCause`. */
export const ERASURE_CAUSE_SCHEMA: Record<string, unknown> = {
  oneOf: [
    {
      type: 'object',
      properties: { kind: { type: 'string', const: 'job' }, job: { type: 'string', enum: ['vendor-swap-remove', 'pes-remove', 'upgrade-remove', 'installonly-limit'] } },
      required: ['kind', 'job'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        kind: { type: 'string', const: 'dependency' }, requires: str, provider: str, providerFate: str, root: str,
        cause: { $ref: '#/definitions/erasureCause' },
      },
      required: ['kind', 'requires', 'provider', 'providerFate', 'root'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { kind: { type: 'string', const: 'update-uninstallable' }, update: str, broken: str },
      required: ['kind', 'update', 'broken'],
      additionalProperties: false,
    },
  ],
};

/** Prediction (src/assess/predict.ts): the changes, one per package, or the solver's problems. */
export const PREDICTED_TRANSACTION_SCHEMA: Record<string, unknown> = {
  oneOf: [
    {
      type: 'object',
      properties: {
        ok: { type: 'boolean', const: true },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              action: { type: 'string', enum: ['install', 'upgrade', 'downgrade', 'reinstall', 'obsolete', 'erase'] },
              nevra: str, name: str, arch: str, from: str, by: str, repo: str,
              forcedBy: { $ref: '#/definitions/erasureCause' },
            },
            required: ['action', 'nevra', 'name', 'arch'],
            additionalProperties: false,
          },
        },
      },
      required: ['ok', 'changes'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { ok: { type: 'boolean', const: false }, problems: { type: 'array', items: str } },
      required: ['ok', 'problems'],
      additionalProperties: false,
    },
  ],
};
