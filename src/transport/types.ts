/**
 * The Transport port: the only way Ferry touches a host. Commands are argv arrays, never shell strings
 * built from data; adapters (local, local with a root prefix, SSH) must deliver each argv element to the
 * remote process byte-for-byte as one argument.
 */
import type { Duplex } from 'node:stream';

export interface RunOptions {
  /** Kill the command and throw FerryError('TRANSPORT_TIMEOUT') after this many ms. Default: the transport's. */
  timeoutMs?: number;
  /** Bytes written to the command's stdin, which is then closed. Without it stdin is empty. */
  stdin?: string | Buffer;
  /** Extra environment variables (names must match [A-Za-z_][A-Za-z0-9_]*). */
  env?: Record<string, string>;
  /** Cap on captured stdout and stderr each; beyond it output is dropped and `truncated` is set. Default 64 MiB. */
  maxOutputBytes?: number;
}

export interface RunResult<T extends string | Buffer = string> {
  /** Exit status; null when the command died from a signal. A non-zero exit is a result, not an error. */
  code: number | null;
  signal?: string;
  stdout: T;
  stderr: string;
  /** True when stdout or stderr exceeded maxOutputBytes. */
  truncated: boolean;
}

export interface WriteFileOptions {
  /** File mode, e.g. 0o644. Default 0o600. */
  mode?: number;
}

export type TransportKind = 'local' | 'ssh';

/** A remote port forward (`ssh -R 127.0.0.1:0:…`): a port on the host's loopback whose connections reach the controller. */
export interface RemoteForward {
  /** The port sshd listens on, on the host's 127.0.0.1. */
  readonly port: number;
  /** Resolves once the forward is gone: closed, or its connection closed or dropped. */
  readonly closed: Promise<void>;
  /** Asks sshd to stop listening; idempotent. Connections already made are not cut. */
  close(): Promise<void>;
}

export interface Transport {
  readonly kind: TransportKind;
  /**
   * A path prefix (a mounted image, a lab root): readFile/writeFile/exists/upload paths are taken below it,
   * and fact scanners add `rpm --root <root>` / `dnf --installroot <root>`. `run` itself is never prefixed.
   */
  readonly root: string | undefined;
  /** A short name for messages: `local`, `root@db1.example.com:22`. Never contains secrets. */
  readonly hostName: string;
  /** SSH only: the `SHA256:…` fingerprint of the host key the host presented and known_hosts accepted (its identity). */
  readonly hostKeyFingerprint?: string;
  /** Runs argv[0] with the other elements as its arguments. Rejects only for transport failures. */
  run(argv: readonly string[], opts: RunOptions & { encoding: 'buffer' }): Promise<RunResult<Buffer>>;
  run(argv: readonly string[], opts?: RunOptions & { encoding?: 'utf8' }): Promise<RunResult<string>>;
  /** Reads a file (below `root`). A missing file → FerryError('NOT_FOUND'). */
  readFile(path: string): Promise<Buffer>;
  /** Writes a file (below `root`) atomically (temp file + rename) with `mode`. */
  writeFile(path: string, data: string | Buffer, opts?: WriteFileOptions): Promise<void>;
  /** True when the path (below `root`) exists; false for missing; rejects only on transport failure. */
  exists(path: string): Promise<boolean>;
  /**
   * Optional native form of a journal append: appends all of `data` to the file (below `root`; created with
   * mode 0600) or fails (a short write is an error, never a partial success), then fsyncs the file
   * (`sync: 'file'`) or the file and its directory (`'dir'`, a new file). With `expectedSize`, the append
   * happens only when the file is that many bytes long (an absent file is 0). Resolves with the file's size
   * before the append, so a caller sees when it was not written. Transports without it get the same done
   * by a command (exec/journal.ts); the local adapter saves a process per append.
   */
  appendFile?(path: string, data: string, opts: { sync: 'none' | 'file' | 'dir'; expectedSize?: number }): Promise<number>;
  /** Optional native `mkdir -p -m MODE` (below `root`); a command otherwise. */
  mkdir?(path: string, opts: { mode: number }): Promise<void>;
  /**
   * SSH only: has sshd listen on the host's 127.0.0.1 on a port it picks, for as long as this connection
   * lasts (or until the forward is closed); each connection made there reaches `onStream` as a duplex stream.
   * Rejects with TRANSPORT_FORWARD_REFUSED when sshd refuses (AllowTcpForwarding no/local, PermitListen).
   */
  forwardRemote?(onStream: (stream: Duplex) => void): Promise<RemoteForward>;
  /** Copies a local file to `remotePath` (below `root`). */
  upload(localPath: string, remotePath: string, opts?: WriteFileOptions): Promise<void>;
  /** Releases connections; further calls reject with TRANSPORT_DISCONNECTED. Idempotent. */
  close(): Promise<void>;
  /** A redacted, human-readable description: kind, user@host:port, root, jump host; never a password or key. */
  describe(): string;
}
