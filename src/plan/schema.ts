/**
 * The plan's JSON Schema (the published `ferry plan --json` document, formatVersion 1; checked in as
 * schema/plan.schema.json) built from the step kinds' schemas: each step's options are validated by its
 * kind's. `parsePlan`/`checkPlan` refuse a plan read back (plan.json on a host, the store's copy) that does not
 * validate, or whose ids are not the content ids of what it says (a step edited by hand would run under the
 * journal entries of another), with every error's JSON path (DOCUMENT_INVALID).
 */
import { checkDocument, compileSchema, contentId, parseDocument, type DocumentOrigin, type SchemaError, type SchemaOf, type Validator } from '../core/index.js';
import { DNF_ENV_SCHEMA } from './steps/dnf-env.js';
import { NAMES_SCHEMA } from './steps/kind.js';
import { STEP_KIND_NAMES, STEP_KINDS } from './steps/index.js';
import { PLAN_FORMAT_VERSION, ROUTE_PLAN_FORMAT_VERSION, type MigrationPlan } from './types.js';
import { ERASURE_CAUSE_SCHEMA, PREDICTED_TRANSACTION_SCHEMA } from './predicted-schema.js';

const PLAN_HEADER_SCHEMA: SchemaOf<Omit<MigrationPlan, 'steps'>> = {
  type: 'object',
  properties: {
    formatVersion: { type: 'integer', const: PLAN_FORMAT_VERSION },
    id: { type: 'string', pattern: '^plan-[0-9a-f]{16}$' },
    host: { type: 'string' },
    source: { type: 'string', minLength: 1 },
    sourceName: { type: 'string' },
    target: { type: 'string', minLength: 1 },
    targetName: { type: 'string' },
    method: { type: 'string', enum: ['same-major-swap', 'cross-major-pes', null], nullable: true },
    dnf: DNF_ENV_SCHEMA,
    overrides: {
      type: 'array',
      items: {
        type: 'object',
        properties: { findingKey: { type: 'string', minLength: 1 }, reason: { type: 'string' } },
        required: ['findingKey'],
        additionalProperties: false,
      },
    },
    swap: { type: 'object', properties: { remove: NAMES_SCHEMA, install: NAMES_SCHEMA }, required: ['remove', 'install'], additionalProperties: false },
    notes: { type: 'array', items: { type: 'string' } },
  },
  required: ['formatVersion', 'id', 'host', 'source', 'sourceName', 'target', 'targetName', 'method', 'dnf', 'overrides', 'swap', 'notes'],
  additionalProperties: false,
};

/** The whole plan's schema: the header, and steps whose options are checked by their kind's schema. */
export function planSchema(): Record<string, unknown> {
  const step = {
    type: 'object',
    properties: {
      id: { type: 'string', pattern: '^step-[0-9a-f]{16}$' },
      kind: { type: 'string', enum: [...STEP_KIND_NAMES] },
      title: { type: 'string' },
      options: { type: 'object' },
      pointOfNoReturn: { type: 'boolean', const: true },
    },
    required: ['id', 'kind', 'title', 'options'],
    additionalProperties: false,
    allOf: STEP_KIND_NAMES.map((kind) => ({
      if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] },
      then: { properties: { options: STEP_KINDS[kind].schema } },
    })),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://ferry.invalid/schema/plan/${PLAN_FORMAT_VERSION}.json`,
    title: 'Ferry migration plan',
    description: 'A MigrationPlan (src/plan/types.ts) as published by `ferry plan --json` and kept on the host as plan.json. Generated from src/plan/steps (scripts/write-plan-schema.ts); any incompatible change bumps PLAN_FORMAT_VERSION.',
    ...PLAN_HEADER_SCHEMA,
    // predictedTransaction: what `ferry plan --json` adds (src/plan/predicted.ts publishedPlan); not in the content id
    properties: { ...PLAN_HEADER_SCHEMA.properties, steps: { type: 'array', items: step, minItems: 1 }, predictedTransaction: PREDICTED_TRANSACTION_SCHEMA },
    required: [...PLAN_HEADER_SCHEMA.required, 'steps'],
    definitions: { erasureCause: ERASURE_CAUSE_SCHEMA },
  };
}

/** The multi-hop plan's schema (RoutePlanDocument; checked in as schema/route-plan.schema.json): each hop's plan is a plan document. */
export function routePlanSchema(): Record<string, unknown> {
  // The plan's own schema without its document header; its definitions move to the top, where its $refs point.
  const plan: Record<string, unknown> = { ...planSchema() };
  const definitions = plan.definitions as Record<string, unknown>;
  for (const k of ['$schema', '$id', 'title', 'description', 'definitions']) delete plan[k];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://ferry.invalid/schema/route-plan/${ROUTE_PLAN_FORMAT_VERSION}.json`,
    title: 'Ferry multi-hop migration plan',
    description: 'A RoutePlanDocument (src/plan/types.ts) as published by `ferry plan --json` for a route of several hops (CentOS 7 → Rocky 8 → Rocky 9). Generated (scripts/write-plan-schema.ts); any incompatible change bumps ROUTE_PLAN_FORMAT_VERSION.',
    type: 'object',
    properties: {
      formatVersion: { type: 'integer', const: ROUTE_PLAN_FORMAT_VERSION },
      source: { type: 'string' },
      target: { type: 'string' },
      hops: {
        type: 'array', minItems: 2,
        items: {
          type: 'object',
          properties: { from: { type: 'string' }, to: { type: 'string' }, assessedOn: { type: 'string', enum: ['collected', 'predicted'] }, plan: { $ref: '#/definitions/plan' } },
          required: ['from', 'to', 'assessedOn', 'plan'], additionalProperties: false,
        },
      },
    },
    required: ['formatVersion', 'source', 'target', 'hops'],
    additionalProperties: false,
    definitions: { ...definitions, plan },
  };
}

let validator: Validator<MigrationPlan> | undefined;
const planValidator = () => (validator ??= compileSchema<MigrationPlan>(planSchema()));

/** What the schema cannot say: ids are the content ids of what they name, the point of no return is its kind's. */
function planIdErrors(plan: MigrationPlan): SchemaError[] {
  const errors: SchemaError[] = [];
  const seen = new Set<string>();
  plan.steps.forEach((s, i) => {
    const id = contentId('step', { kind: s.kind, options: s.options });
    if (s.id !== id) errors.push({ path: `/steps/${i}/id`, message: `must be the content id of its kind and options (${id})` });
    if (seen.has(s.id)) errors.push({ path: `/steps/${i}/id`, message: 'must not repeat an earlier step' });
    seen.add(s.id);
    if ((s.pointOfNoReturn === true) !== STEP_KINDS[s.kind].pointOfNoReturn) {
      errors.push({ path: `/steps/${i}/pointOfNoReturn`, message: `must be ${STEP_KINDS[s.kind].pointOfNoReturn ? 'true' : 'absent'} for ${s.kind}` });
    }
  });
  const id = planId(plan);
  if (plan.id !== id) errors.push({ path: '/id', message: `must be the content id of host, source, target, steps and overrides (${id})` });
  return errors;
}

/** `contentId('plan', …)` of host, source, target, step ids and overrides. */
export function planId(plan: Omit<MigrationPlan, 'id'>): string {
  return contentId('plan', { host: plan.host, source: plan.source, target: plan.target, steps: plan.steps.map((s) => s.id), overrides: plan.overrides });
}

/** Every error of a plan document, with its JSON path ([] when it is a valid plan). */
export function planErrors(value: unknown): SchemaError[] {
  const v = planValidator();
  return v.is(value) ? planIdErrors(value) : v.errors(value);
}

export function checkPlan(value: unknown, origin: DocumentOrigin): MigrationPlan {
  return checkDocument(planValidator(), value, origin, planIdErrors);
}

export function parsePlan(text: string, origin: DocumentOrigin): MigrationPlan {
  return parseDocument(planValidator(), text, origin, planIdErrors);
}
