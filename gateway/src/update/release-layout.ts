import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { GatewayError } from '../errors.js';

/** The update that is being tried: written before `current` moves to it, removed once it is healthy. */
export interface TrialRecord {
  version: string;
  /** The version `previous` points at (what a rollback returns to). */
  previous: string;
  rollout?: string;
  startedAt: number;
  /** Devices whose link was up when the update began: they must be up again [gateway-appliance "Updates"]. */
  linksUp: string[];
}

/** How an update ended, kept until the running version has put its report in the outbox. */
export interface UpdateResult {
  /** The event id the report is sent under (the server deduplicates a report sent twice). */
  id: string;
  version: string;
  state: 'healthy' | 'rolled_back' | 'failed';
  rollout?: string;
  reason?: string;
}

/**
 * The home unit's side-by-side release layout (docs/gateway-appliance.md, "Updates"). Under `root`:
 *
 *     releases/<version>/   one unpacked release each (unpacked as `<version>.partial`, then renamed)
 *     current  → releases/<version>   what the launcher runs (absent: the packaged version)
 *     previous → releases/<version> or the packaged directory   what a rollback returns to
 *     trial                 JSON {@link TrialRecord} while a new version proves its health
 *     trial-boots           starts of the trial version, counted by the launcher
 *     result                JSON {@link UpdateResult} not yet reported
 *     failed                versions that rolled back here (never taken again)
 *
 * Every change is a rename or an atomic write, so a power cut at any point leaves `current` on a
 * release that was complete when it was linked; the launcher (packaging/files/baken-gateway-launch)
 * rolls back by itself when a trial version keeps failing to start. Contract of the symlinks: they
 * are replaced by renaming a fresh link over them, never removed first.
 */
export class ReleaseLayout {
  readonly root: string;
  /** The directory of the version the Debian package installed (the fallback of `current`). */
  readonly packagedDir: string;
  readonly packagedVersion: string;

  constructor(root: string, packaged: { dir: string; version: string }) {
    this.root = root;
    this.packagedDir = packaged.dir;
    this.packagedVersion = packaged.version;
  }

  get releasesDir(): string {
    return join(this.root, 'releases');
  }

  releaseDir(version: string): string {
    return join(this.releasesDir, version);
  }

  /** The version `current` runs: its release directory name, or the packaged version. */
  currentVersion(): string {
    return this.#linkVersion('current') ?? this.packagedVersion;
  }

  previousVersion(): string | null {
    return this.#linkVersion('previous');
  }

  /** A fresh, empty `<version>.partial` directory to unpack into (a stale one is removed). */
  partialDir(version: string): string {
    const dir = `${this.releaseDir(version)}.partial`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /** Makes an unpacked `<version>.partial` the complete release `<version>`. */
  completeRelease(version: string): void {
    const dir = this.releaseDir(version);
    if (dir === join(this.releasesDir, this.currentVersion())) {
      throw new GatewayError('BAKEN_ERR_UPDATE_INSTALL', `release ${version} is the one running`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(`${dir}.partial`, dir);
  }

  /**
   * Starts a trial of `trial.version`: `previous` := what runs now, the trial record, then
   * `current` := the new release. Each step is atomic; see the class comment for a power cut.
   */
  beginTrial(trial: TrialRecord): void {
    const running = this.#target('current') ?? this.packagedDir;
    this.#link('previous', running);
    rmSync(join(this.root, 'trial-boots'), { force: true });
    writeFileAtomic(join(this.root, 'trial'), JSON.stringify(trial), 0o600);
    this.#link('current', join('releases', trial.version));
  }

  trial(): TrialRecord | null {
    return this.#readJson<TrialRecord>('trial');
  }

  /** Starts of the trial version so far (the launcher counts them). */
  trialBoots(): number {
    try {
      return Number(readFileSync(join(this.root, 'trial-boots'), 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  }

  /** The trial passed: it stays `current`. The result is recorded first (see `result`). */
  commitTrial(result: UpdateResult): void {
    this.setResult(result);
    this.#clearTrial();
  }

  /** `current` := `previous`; the version is never taken again; the result waits to be reported. */
  rollBack(result: UpdateResult): void {
    const previous = this.#target('previous');
    if (previous !== null) this.#link('current', previous);
    this.#addFailed(result.version);
    this.setResult(result);
    this.#clearTrial();
  }

  setResult(result: UpdateResult): void {
    mkdirSync(this.root, { recursive: true, mode: 0o755 });
    writeFileAtomic(join(this.root, 'result'), JSON.stringify(result), 0o600);
  }

  result(): UpdateResult | null {
    return this.#readJson<UpdateResult>('result');
  }

  clearResult(): void {
    rmSync(join(this.root, 'result'), { force: true });
  }

  failedVersions(): string[] {
    return this.#readJson<string[]>('failed') ?? [];
  }

  /** Removes releases other than `current` and `previous` (and stale partial unpacks). */
  prune(): void {
    const keep = new Set([this.#target('current'), this.#target('previous')].map((t) => t && basename(t)));
    if (!existsSync(this.releasesDir)) return;
    for (const name of readdirSync(this.releasesDir)) {
      if (!keep.has(name)) rmSync(join(this.releasesDir, name), { recursive: true, force: true });
    }
  }

  #clearTrial(): void {
    rmSync(join(this.root, 'trial'), { force: true });
    rmSync(join(this.root, 'trial-boots'), { force: true });
  }

  #addFailed(version: string): void {
    const failed = this.failedVersions();
    if (!failed.includes(version)) failed.push(version);
    writeFileAtomic(join(this.root, 'failed'), JSON.stringify(failed.slice(-50)), 0o600);
  }

  #linkVersion(name: string): string | null {
    const target = this.#target(name);
    if (target === null) return null;
    return target === this.packagedDir ? this.packagedVersion : basename(target);
  }

  #target(name: string): string | null {
    try {
      return readlinkSync(join(this.root, name));
    } catch {
      return null;
    }
  }

  #link(name: string, target: string): void {
    mkdirSync(this.root, { recursive: true, mode: 0o755 });
    const tmp = join(this.root, `.${name}.tmp`);
    rmSync(tmp, { force: true });
    symlinkSync(target, tmp);
    renameSync(tmp, join(this.root, name));
  }

  #readJson<T>(name: string): T | null {
    try {
      return JSON.parse(readFileSync(join(this.root, name), 'utf8')) as T;
    } catch {
      return null;
    }
  }
}

/** The version of the packaged gateway (`VERSION`, written by build-deb.ts beside the bundle). */
export function packagedVersion(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'VERSION'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
