import { m001Core } from './001-core.js';

/**
 * A versioned schema change. Add a file `NNN-name.ts` exporting one `Migration` and list it here;
 * never edit a migration that has shipped — add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: readonly Migration[] = [m001Core];
