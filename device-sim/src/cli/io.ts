import type { Readable } from 'node:stream';

/** Where the CLI talks; injected so tests run it in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  stdin: Readable;
}
