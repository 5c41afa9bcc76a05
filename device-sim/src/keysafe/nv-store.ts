import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SimError } from '../errors.js';
import { initialNvState, type NvState } from './nv-state.js';

/** Non-volatile memory of one device. `save` is atomic: after a crash either the old or the new state is read. */
export interface NvStore {
  load(): NvState;
  save(state: NvState): void;
}

const clone = (s: NvState): NvState => JSON.parse(JSON.stringify(s)) as NvState;

/** In-memory NV (survives a simulated power loss because the store object outlives the firmware). */
export class MemoryNvStore implements NvStore {
  #state: NvState;
  constructor(initial: NvState = initialNvState()) {
    this.#state = clone(initial);
  }
  load(): NvState {
    return clone(this.#state);
  }
  save(state: NvState): void {
    this.#state = clone(state);
  }
}

/** A JSON file written as temp + rename, so a power cut mid-write never leaves a torn file. */
export class FileNvStore implements NvStore {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  load(): NvState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return initialNvState();
      throw new SimError('BAKEN_ERR_SIM_NV_STORE', `cannot read NV file ${this.path}`, { cause: err });
    }
    try {
      const parsed = JSON.parse(text) as NvState;
      if (parsed.version !== 1) throw new Error(`unknown version ${String(parsed.version)}`);
      return parsed;
    } catch (err) {
      throw new SimError('BAKEN_ERR_SIM_NV_STORE', `NV file ${this.path} is not a v1 state`, { cause: err });
    }
  }

  save(state: NvState): void {
    const tmp = `${this.path}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.path);
  }
}
