/** Worker thread entry of primary-fast.ts: scans slices of primary.xml, replies with transferred columns. */
import { parentPort } from 'node:worker_threads';
import { batchBuffers, type ScanReply, type ScanRequest } from './primary-scan.js';
import { createWasmScanner } from './primary-scan-wasm.js';

const port = parentPort;
if (port === null) throw new Error('Assertion failed: primary-worker runs only as a worker thread');
const scanner = createWasmScanner();
port.on('message', (req: ScanRequest) => {
  const batch = scanner.scan(Buffer.from(req.bytes, 0, req.length), req.length);
  const reply: ScanReply = { id: req.id, batch, bytes: req.bytes };
  port.postMessage(reply, [...batchBuffers(batch), req.bytes]);
});
