// Writes src/plan/schema/plan.schema.json from the step kinds' schemas (src/plan/schema.ts); src/plan/schema.test.ts
// fails while the checked-in file differs. Run: node --import tsx scripts/write-plan-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSchema } from '../src/plan/schema.js';

writeFileSync(join(import.meta.dirname, '..', 'src', 'plan', 'schema', 'plan.schema.json'), JSON.stringify(planSchema(), null, 2) + '\n');
