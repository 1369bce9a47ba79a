/** HTTP helpers of the tests that play a hostile mirror. */
import type { ServerResponse } from 'node:http';

/** Answers 200 with a body that never ends (64 KiB of spaces at a time, as fast as the client reads): only a size cap stops it. */
export function floodResponse(res: ServerResponse): void {
  res.writeHead(200);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}
