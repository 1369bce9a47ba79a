/** Bounded capture of a process's output stream. */
export interface Capture {
  push(chunk: Buffer): void;
  buffer(): Buffer;
  readonly truncated: boolean;
}

export function createCapture(maxBytes: number): Capture {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    push(chunk: Buffer) {
      if (size >= maxBytes) { truncated = true; return; }
      const room = maxBytes - size;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) truncated = true;
      chunks.push(part);
      size += part.length;
    },
    buffer: () => Buffer.concat(chunks, size),
    get truncated() { return truncated; },
  };
}

export const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
export const DEFAULT_COMMAND_TIMEOUT = 10 * 60 * 1000;
