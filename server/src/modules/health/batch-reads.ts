import type { Incident, IncidentStore, IncidentSubject, SubjectKind } from './incident-store.js';
import type { Warning, WarningKind, WarningStore } from './warning-store.js';

const subjectKey = (kind: SubjectKind, subjectId: string): string => `${kind}\u0000${subjectId}`;
const warningKey = (gatewayId: string, deviceId: string, kind: WarningKind): string =>
  `${gatewayId}\u0000${deviceId}\u0000${kind}`;

/**
 * An {@link IncidentStore} that answers `openFor` for `subjects` from `open` (their open incidents,
 * read together in one query) instead of one read each, until anything is opened or closed through
 * it. For one batch of evaluations where the memo is off (PostgreSQL): what another instance
 * changes meanwhile is as if it had changed after the batch's read.
 */
export function readIncidents(
  inner: IncidentStore,
  subjects: readonly IncidentSubject[],
  open: readonly Incident[],
): IncidentStore {
  let known: Map<string, Incident | undefined> | null = new Map();
  for (const s of subjects) known.set(subjectKey(s.kind, s.subjectId), undefined);
  for (const i of open) known.set(subjectKey(i.subjectKind, i.subjectId), i);
  return {
    openFor(kind, subjectId) {
      const k = subjectKey(kind, subjectId);
      if (known?.has(k)) return Promise.resolve(known.get(k));
      return inner.openFor(kind, subjectId);
    },
    openForAll: (s) => inner.openForAll(s),
    open(i, detectedAt) {
      known = null;
      return inner.open(i, detectedAt);
    },
    close(id, endedAt) {
      known = null;
      return inner.close(id, endedAt);
    },
    record(i, detectedAt) {
      known = null;
      return inner.record(i, detectedAt);
    },
    moveStart(id, startedAt) {
      known = null;
      return inner.moveStart(id, startedAt);
    },
    get: (id) => inner.get(id),
    list: (f) => inner.list(f),
    countOpen: () => inner.countOpen(),
    spansByScope: (from, now, scopes) => inner.spansByScope(from, now, scopes),
  };
}

/**
 * A {@link WarningStore} that knows which warnings of `devices` are open from `open` (read together
 * in one query): clearing one that is not open writes nothing. A raise makes its warning open; a
 * clear through it closed. Same soundness as {@link readIncidents}.
 */
export function readWarnings(
  inner: WarningStore,
  devices: readonly { gatewayId: string; deviceId: string }[],
  open: readonly Warning[],
): WarningStore {
  const covered = new Set(devices.map((d) => `${d.gatewayId}\u0000${d.deviceId}`));
  const isOpen = new Set(open.map((w) => warningKey(w.gatewayId, w.deviceId, w.kind)));
  const knows = (gatewayId: string, deviceId: string) => covered.has(`${gatewayId}\u0000${deviceId}`);
  return {
    async raise(gatewayId, deviceId, kind, at, detail) {
      const r = await inner.raise(gatewayId, deviceId, kind, at, detail);
      isOpen.add(warningKey(gatewayId, deviceId, kind));
      return r;
    },
    async clear(gatewayId, deviceId, kind, at) {
      const k = warningKey(gatewayId, deviceId, kind);
      if (knows(gatewayId, deviceId) && !isOpen.has(k)) return undefined;
      const closed = await inner.clear(gatewayId, deviceId, kind, at);
      isOpen.delete(k);
      return closed;
    },
    async openOne(gatewayId, deviceId, kind) {
      const k = warningKey(gatewayId, deviceId, kind);
      if (knows(gatewayId, deviceId) && !isOpen.has(k)) return undefined;
      return inner.openOne(gatewayId, deviceId, kind);
    },
    openOfDevices: (d) => inner.openOfDevices(d),
    get: (id) => inner.get(id),
    list: (f) => inner.list(f),
    quiet: (kind, before) => inner.quiet(kind, before),
  };
}
