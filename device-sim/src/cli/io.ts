import type { Readable } from 'node:stream';
import type { SignalSource } from './stop-signals.js';

/** Where the CLI talks; injected so tests run it in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  stdin: Readable;
  /** Ctrl-C / SIGTERM source for `home` (default `process`); tests inject an emitter. */
  signals?: SignalSource;
  /** Ends the process after a signal-driven stop (default `process.exit`). */
  exit?(code: number): void;
}
