/* global performance */
// Child process of solver.bench.mjs: reads a libsolv testcase with Ferry's compiled reader, solves it and prints
// {ms, phases, lines} as JSON (lines: the result as testsolv prints it, normalised). phases, in ms: read (the
// testcase's bytes scanned into the pool), pool (the whatprovides index), rules, sat, transaction (the solver's
// phases, SolveRequest.onPhase; the dependency lists the rules read are parsed on first use, so under rules).
import { readTestcase } from '../dist/solver/testcase.js';
import { solveTestcase } from '../dist/solver/result.js';

const t0 = performance.now();
const tc = readTestcase(process.argv[2]);
const t1 = performance.now();
tc.pool.createWhatprovides();
const t2 = performance.now();
const phases = { read: t1 - t0, pool: t2 - t1, rules: 0, sat: 0, transaction: 0 };
const lines = solveTestcase(tc, { onPhase: (phase, ms) => { phases[phase] += ms; } });
console.log(JSON.stringify({ ms: performance.now() - t0, phases, lines }));
