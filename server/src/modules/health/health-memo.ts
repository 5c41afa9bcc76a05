import type { Incident, IncidentStore, SubjectKind } from './incident-store.js';
import type { LinkHistory } from './state-store.js';
import { WARNING_KINDS, type Warning, type WarningKind, type WarningStore } from './warning-store.js';

/** Past this many subjects the memo starts afresh (it only saves reads; see {@link HealthMemo}). */
export const HEALTH_MEMO_LIMIT = 1_000_000;

const WARNING_BIT = new Map<WarningKind, number>(WARNING_KINDS.map((k, i) => [k, 1 << i]));
/** No open `gateway` (on the gateway's key) or `device` (on a device's key) incident. */
const NO_INCIDENT = 1 << 16;
/** No open `storage` incident (on the gateway's key). */
const NO_STORAGE_INCIDENT = 1 << 17;
/** Evaluated `online` with its gateway `online` at the last evaluation (an event need not re-evaluate). */
const ONLINE = 1 << 18;

/**
 * What the health module knows about its own rows without reading them again: which subjects have
 * no open incident or warning, each device's link and recent link changes, and which subjects were
 * last evaluated online. A heartbeat used to read all of these again (about ten reads); in a steady
 * fleet they never change (docs/scaling.md §4).
 *
 * Sound because every write to `incidents`, `device_warnings` and `device_state` goes through the
 * health module on this process's one database connection, and the stores below update the memo
 * with each write. A turn whose transaction rolls back leaves the memo ahead of the database, so
 * the ingest bus's rollback hook calls {@link clear}; so does anything else that may have changed
 * those tables behind the module's back. Not sound where other instances write the same tables
 * (PostgreSQL): there it is off ({@link enabled} false) and every question is read. Facts are kept per (gateway, device) key as bits, one
 * small number per subject; past {@link HEALTH_MEMO_LIMIT} subjects it starts afresh.
 */
export class HealthMemo {
  readonly #bits = new Map<string, number>();
  readonly #links = new Map<string, LinkHistory>();

  /**
   * @param enabled false where other instances write the same rows (PostgreSQL): the memo then
   *   knows nothing and every question goes to the database.
   */
  constructor(
    private readonly limit = HEALTH_MEMO_LIMIT,
    readonly enabled = true,
  ) {}

  clear(): void {
    this.#bits.clear();
    this.#links.clear();
  }

  get size(): number {
    return this.#bits.size + this.#links.size;
  }

  has(gatewayId: string, deviceId: string, bit: number): boolean {
    return ((this.#bits.get(key(gatewayId, deviceId)) ?? 0) & bit) !== 0;
  }

  set(gatewayId: string, deviceId: string, bit: number, on: boolean): void {
    if (!this.enabled) return;
    const k = key(gatewayId, deviceId);
    const was = this.#bits.get(k) ?? 0;
    const now = on ? was | bit : was & ~bit;
    if (now === was) return;
    if (on && !this.#bits.has(k)) this.#room();
    if (now === 0) this.#bits.delete(k);
    else this.#bits.set(k, now);
  }

  /** A device's link and link changes as last written (undefined: read them). */
  link(gatewayId: string, deviceId: string): LinkHistory | undefined {
    return this.#links.get(key(gatewayId, deviceId));
  }

  setLink(gatewayId: string, deviceId: string, l: LinkHistory): void {
    if (!this.enabled) return;
    const k = key(gatewayId, deviceId);
    if (!this.#links.has(k)) this.#room();
    this.#links.set(k, { link: l.link, linkChanges: l.linkChanges });
  }

  /** The gateway and, for a device event, that device were evaluated online (see {@link ONLINE}). */
  isOnline(gatewayId: string, deviceId: string | null): boolean {
    return (
      this.has(gatewayId, gatewayId, ONLINE) && (deviceId === null || this.has(gatewayId, deviceId, ONLINE))
    );
  }

  setOnline(gatewayId: string, deviceId: string, on: boolean): void {
    this.set(gatewayId, deviceId, ONLINE, on);
  }

  /** The subject is known to have no open incident (see {@link memoIncidents}). */
  knowsNoIncident(kind: SubjectKind, subjectId: string): boolean {
    const s = incidentSlot(kind, subjectId);
    return s !== null && this.has(s.gatewayId, s.deviceId, s.bit);
  }

  /** What one read of `subjects`' open incidents (`open`) says: the others have none. */
  learnIncidents(
    subjects: readonly { kind: SubjectKind; subjectId: string }[],
    open: readonly Incident[],
  ): void {
    if (!this.enabled) return;
    const isOpen = new Set(open.map((i) => `${i.subjectKind}\u0000${i.subjectId}`));
    for (const sub of subjects) {
      const s = incidentSlot(sub.kind, sub.subjectId);
      if (s && !isOpen.has(`${sub.kind}\u0000${sub.subjectId}`))
        this.set(s.gatewayId, s.deviceId, s.bit, true);
    }
  }

  /** The device (or the gateway itself) is known to have none of `kinds` open. */
  knowsNoWarning(gatewayId: string, deviceId: string, kinds: readonly WarningKind[]): boolean {
    const bits = this.#bits.get(key(gatewayId, deviceId)) ?? 0;
    return kinds.every((k) => (bits & (WARNING_BIT.get(k) ?? 0)) !== 0);
  }

  /** The device (or the gateway itself) is known to have no `kind` warning open (allocates nothing). */
  knowsNoWarningOf(gatewayId: string, deviceId: string, kind: WarningKind): boolean {
    return this.has(gatewayId, deviceId, WARNING_BIT.get(kind) ?? 0);
  }

  /** What one read of `devices`' open warnings (`open`) says: no other kind is open for them. */
  learnWarnings(devices: readonly { gatewayId: string; deviceId: string }[], open: readonly Warning[]): void {
    if (!this.enabled) return;
    const isOpen = new Set(open.map((w) => `${key(w.gatewayId, w.deviceId)}\u0000${w.kind}`));
    for (const d of devices)
      for (const k of WARNING_KINDS)
        if (!isOpen.has(`${key(d.gatewayId, d.deviceId)}\u0000${k}`))
          this.set(d.gatewayId, d.deviceId, WARNING_BIT.get(k) ?? 0, true);
  }

  #room(): void {
    if (this.size >= this.limit) this.clear();
  }
}

const key = (gatewayId: string, deviceId: string): string => `${gatewayId}\u0000${deviceId}`;

/** The memo's key and bit for an incident subject, or null when it is not memoised (platform). */
function incidentSlot(
  kind: SubjectKind,
  subjectId: string,
): { gatewayId: string; deviceId: string; bit: number } | null {
  if (kind === 'gateway') return { gatewayId: subjectId, deviceId: subjectId, bit: NO_INCIDENT };
  if (kind === 'storage') return { gatewayId: subjectId, deviceId: subjectId, bit: NO_STORAGE_INCIDENT };
  if (kind === 'device') {
    // device subjects are `{gatewayId}/{deviceId}` (deviceSubject); gateway ids hold no `/`
    const i = subjectId.indexOf('/');
    if (i > 0)
      return { gatewayId: subjectId.slice(0, i), deviceId: subjectId.slice(i + 1), bit: NO_INCIDENT };
  }
  return null;
}

/** An {@link IncidentStore} that answers "no open incident" from the memo once it has read it. */
export function memoIncidents(inner: IncidentStore, memo: HealthMemo): IncidentStore {
  if (!memo.enabled) return inner;
  return {
    async openFor(kind, subjectId) {
      const s = incidentSlot(kind, subjectId);
      if (s && memo.has(s.gatewayId, s.deviceId, s.bit)) return undefined;
      const open = await inner.openFor(kind, subjectId);
      if (s && !open) memo.set(s.gatewayId, s.deviceId, s.bit, true);
      return open;
    },
    open(i, detectedAt) {
      const s = incidentSlot(i.subjectKind, i.subjectId);
      if (s) memo.set(s.gatewayId, s.deviceId, s.bit, false);
      return inner.open(i, detectedAt);
    },
    openForAll: (subjects) => inner.openForAll(subjects),
    close: (id, endedAt) => inner.close(id, endedAt),
    record: (i, detectedAt) => inner.record(i, detectedAt),
    moveStart: (id, startedAt) => inner.moveStart(id, startedAt),
    get: (id) => inner.get(id),
    list: (f) => inner.list(f),
    countOpen: () => inner.countOpen(),
    spansByScope: (from, now, scopes) => inner.spansByScope(from, now, scopes),
  };
}

/** A {@link WarningStore} that answers "no open warning" from the memo once it has read it. */
export function memoWarnings(inner: WarningStore, memo: HealthMemo): WarningStore {
  if (!memo.enabled) return inner;
  const bit = (kind: WarningKind) => WARNING_BIT.get(kind) ?? 0;
  return {
    raise(gatewayId, deviceId, kind, at, detail) {
      memo.set(gatewayId, deviceId, bit(kind), false);
      return inner.raise(gatewayId, deviceId, kind, at, detail);
    },
    async clear(gatewayId, deviceId, kind, at) {
      if (memo.has(gatewayId, deviceId, bit(kind))) return undefined;
      const closed = await inner.clear(gatewayId, deviceId, kind, at);
      memo.set(gatewayId, deviceId, bit(kind), true);
      return closed;
    },
    async openOne(gatewayId, deviceId, kind) {
      if (memo.has(gatewayId, deviceId, bit(kind))) return undefined;
      const open = await inner.openOne(gatewayId, deviceId, kind);
      if (!open) memo.set(gatewayId, deviceId, bit(kind), true);
      return open;
    },
    openOfDevices: (devices) => inner.openOfDevices(devices),
    get: (id) => inner.get(id),
    list: (f) => inner.list(f),
    quiet: (kind, before) => inner.quiet(kind, before),
  };
}
