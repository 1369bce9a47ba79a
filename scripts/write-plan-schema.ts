// Writes src/plan/schema/plan.schema.json (and route-plan.schema.json, the multi-hop plan) from the step kinds' schemas (src/plan/schema.ts); src/plan/schema.test.ts
// fails while the checked-in file differs. Run: node --import tsx scripts/write-plan-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSchema, routePlanSchema } from '../src/plan/schema.js';

writeFileSync(join(import.meta.dirname, '..', 'src', 'plan', 'schema', 'plan.schema.json'), JSON.stringify(planSchema(), null, 2) + '\n');
writeFileSync(join(import.meta.dirname, '..', 'src', 'plan', 'schema', 'route-plan.schema.json'), JSON.stringify(routePlanSchema(), null, 2) + '\n');
