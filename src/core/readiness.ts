/**
 * The readiness words of a host for a target, in display order: assess decides them
 * (assess/readiness.ts), fleet selects on them (readiness:TARGET=WORD), the API filters on them and
 * the fleet report counts them. The one list every layer asks; the checked-in JSON documents
 * (openapi.json, fleet-report.schema.json) are tested against it.
 */
export const READINESS = ['ready', 'risks', 'blocked', 'not-assessed'] as const;
export type Readiness = (typeof READINESS)[number];
