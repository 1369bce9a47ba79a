/* global performance */
// Child process of solver.bench.mjs: reads a libsolv testcase with Ferry's compiled reader, solves it and prints
// {ms, readMs, solveMs, lines} as JSON (lines: the result as testsolv prints it, normalised).
import { readTestcase } from '../dist/solver/testcase.js';
import { solveTestcase } from '../dist/solver/result.js';

const t0 = performance.now();
const tc = readTestcase(process.argv[2]);
const t1 = performance.now();
const lines = solveTestcase(tc);
const t2 = performance.now();
console.log(JSON.stringify({ ms: t2 - t0, readMs: t1 - t0, solveMs: t2 - t1, lines }));
