// `npm run bench -- fleet`: the fleet benches of issue 16, each part under its own heading.
//  (a) fleet assessment of many hosts × 3 targets from stored facts, next to `ferry assess` per host
//      (bench/fleet-assess.mjs);
//  (b) collection from the lab fleet next to `ansible all -m command -a 'rpm -qa'` (added beside part (a)).
import { benchFleetAssess } from './fleet-assess.mjs';

console.log('### (a) fleet assessment from stored facts');
await benchFleetAssess();
