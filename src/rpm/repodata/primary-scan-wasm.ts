/**
 * The primary.xml scanner (primary-scan.c, compiled to WebAssembly by primary-scan-build.sh and embedded
 * in primary-scan-wasm-module.ts): the Scanner contract and ScanBatch columns of primary-scan.ts.
 * Why WebAssembly: the same loops in JavaScript spend the first megabytes of every process (and of
 * every worker) in V8's interpreter, which made a JavaScript scanner slower end to end than the general
 * tokenizer; compiled code runs at full speed from the first byte.
 */
import type { ScanBatch, Scanner } from './primary-scan.js';
import { PRIMARY_SCAN_WASM } from './primary-scan-wasm-module.js';

// The project's TypeScript libs (ES2023, @types/node 20) do not declare WebAssembly: the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  input(length: number): number;
  scan(length: number): number;
  out_ptr(column: number): number;
  out_len(column: number): number;
}

let compiled: object | undefined;

/** A scanner with its own module instance (its own interning tables). */
export function createWasmScanner(): Scanner {
  compiled ??= new WebAssembly.Module(Buffer.from(PRIMARY_SCAN_WASM, 'base64'));
  const ex = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
  const scanner: Scanner = {
    scan(bytes: Buffer, end: number, views = false): ScanBatch {
      return scanner.scanParts([bytes.subarray(0, end)], end, views);
    },
    scanParts(parts: readonly Buffer[], end: number, views = false): ScanBatch {
      const at = ex.input(end);
      const input = new Uint8Array(ex.memory.buffer, at, end);
      let off = 0;
      for (const part of parts) { input.set(part, off); off += part.length; }
      const consumed = ex.scan(end);
      // Copies (fresh, transferable buffers) unless `views`: the module's memory is reused by the next scan.
      const mem = ex.memory.buffer;
      const u8 = (k: number): Uint8Array => {
        const v = new Uint8Array(mem, ex.out_ptr(k), ex.out_len(k));
        return views ? v : v.slice();
      };
      const i32 = (k: number): Int32Array => {
        const v = new Int32Array(mem, ex.out_ptr(k), ex.out_len(k));
        return views ? v : v.slice();
      };
      const f64 = new Float64Array(mem, ex.out_ptr(5), ex.out_len(5));
      return {
        strBytes: u8(0), strLens: i32(1), evrs: i32(2), deps: i32(3), packages: i32(4),
        nums: views ? f64 : f64.slice(),
        entries: i32(6), entryKinds: u8(7), files: i32(8), textBytes: u8(9), textLens: i32(10), consumed,
      };
    },
  };
  return scanner;
}
