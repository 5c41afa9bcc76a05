import type { EventEnvelope } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import type { BakenError } from '../../errors.js';
import { type Db, openDatabase } from '../../store/database.js';
import { sqliteStorage } from '../../store/storage.js';
import { type DomainEvent, DomainEventBus } from '../ingest/domain-events.js';
import { nextTurn } from '../ingest/event-turn.js';
import { AlarmService } from './alarm-service.js';
import { SqliteAlarmStore } from './sqlite-alarm-store.js';
import { SqliteCancelPolicies } from './sqlite-cancel-policies.js';

const MIN = 60_000;
let db: Db;
let clock: ManualClock;
let bus: DomainEventBus;
let svc: AlarmService;
let seen: DomainEvent[];
let n = 0;

const ev = (deviceKind: EventEnvelope['deviceKind'], kind: string, over: Partial<EventEnvelope> = {}) =>
  ({
    v: 1,
    id: `evt-${String(++n).padStart(8, '0')}`,
    gatewayId: 'gw-0001',
    deviceId: deviceKind === 'pendant' ? 'pendant-1' : 'KS-1',
    deviceKind,
    kind,
    priority: 'normal',
    deviceTime: null,
    receivedAt: clock.now(),
    data: {},
    ...over,
  }) as EventEnvelope;

/** As ingest does: processors inside a transaction, their callbacks after the commit. */
const feed = async (e: EventEnvelope, homeId: string | null = 'home-1') => {
  const storedAt = clock.now();
  const after = await sqliteStorage(db).transaction(async (tx) =>
    svc.processor(e, { tx, turn: nextTurn(), storedAt, homeId }),
  );
  after?.();
};

beforeEach(() => {
  db = openDatabase(':memory:');
  db.prepare(
    "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES ('u1', 'mon', 'Mon', 'monitor', 'x', 0, 0)",
  ).run();
  clock = new ManualClock();
  bus = new DomainEventBus();
  seen = [];
  bus.onAny((e) => seen.push(e));
  svc = new AlarmService(new SqliteAlarmStore(db), clock, bus);
});
afterEach(() => db.close());

describe('AlarmService', () => {
  it('creates one alarm per pendant alarm/fall event id and ignores other kinds', async () => {
    const e = ev('pendant', 'alarm');
    await feed(e);
    await feed(e);
    await feed(ev('pendant', 'fall'));
    await feed(ev('pendant', 'test'));
    await feed(ev('keysafe', 'tamper'));
    expect(
      svc.store
        .list({ limit: 10, offset: 0 })
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['alarm', 'fall']);
    expect(seen.filter((s) => s.type === 'alarm.created')).toHaveLength(2);
  });

  it('never raises, cancels or moves an alarm for a trial event of the installation check', async () => {
    await feed(ev('pendant', 'alarm', { trial: true }));
    await feed(ev('pendant', 'fall', { trial: true }));
    expect(svc.store.list({ limit: 10, offset: 0 })).toEqual([]);
    await feed(ev('pendant', 'alarm'));
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    svc.act(a!.id, 'assign', 'u1', { teamId: 'team-1' });
    await feed(ev('pendant', 'cancel', { trial: true }));
    await feed(ev('keysafe', 'door_opened', { trial: true }));
    expect(svc.store.get(a!.id)).toMatchObject({ state: 'assigned', cancelledAt: null });
    expect(seen.filter((s) => s.type === 'alarm.created')).toHaveLength(1);
  });

  it('records an authenticated pendant cancel on the open alarm without closing it', async () => {
    await feed(ev('pendant', 'alarm', { data: { format: 'baken', authenticated: true } }));
    clock.advance(MIN);
    const cancel = ev('pendant', 'cancel', { data: { format: 'baken', authenticated: true } });
    await feed(cancel);
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    expect(a?.authenticated).toBe(true);
    expect(a).toMatchObject({ state: 'new', cancelledAt: clock.now(), cancelEventId: cancel.id });
    expect(svc.store.transitions(a!.id).map((t) => t.action)).toEqual(['raise', 'cancel']);
  });

  it('an unauthenticated cancel never ends an alarm: refused by default, kept in the history', async () => {
    await feed(ev('pendant', 'alarm', { data: { format: 'bthome', authenticated: false } }));
    clock.advance(MIN);
    await feed(ev('pendant', 'cancel', { data: { format: 'bthome', authenticated: false } }));
    await feed(ev('pendant', 'cancel', { data: { format: 'bthome' } })); // an older gateway does not say
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    expect(a).toMatchObject({
      state: 'new',
      cancelledAt: null,
      unverifiedCancelAt: null,
      authenticated: false,
    });
    expect(svc.store.transitions(a!.id).map((t) => t.action)).toEqual([
      'raise',
      'cancel-refused',
      'cancel-refused',
    ]);
    expect(seen.filter((s) => s.type === 'alarm.updated')).toEqual([]);
  });

  it("with the home's policy `confirm`, an unauthenticated cancel is an unverified cancel until staff confirm it", async () => {
    const policies = new SqliteCancelPolicies(db);
    db.prepare("INSERT INTO clients (id, name, created_at, updated_at) VALUES ('c1', 'C', 0, 0)").run();
    db.prepare(
      "INSERT INTO homes (id, client_id, address, created_at, updated_at) VALUES ('home-1', 'c1', 'A', 0, 0)",
    ).run();
    expect(policies.get('home-1').unverifiedCancel).toBe('refuse');
    policies.set('home-1', 'confirm', 'u1', 0);
    svc = new AlarmService(new SqliteAlarmStore(db), clock, bus, policies);
    await feed(ev('pendant', 'alarm'));
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    expect(() => svc.act(a!.id, 'confirm-cancel', 'u1')).toThrow(/no unverified cancel/);
    clock.advance(MIN);
    const cancel = ev('pendant', 'cancel', { data: { format: 'bthome', authenticated: false } });
    await feed(cancel);
    expect(svc.store.get(a!.id)).toMatchObject({
      state: 'new',
      cancelledAt: null,
      unverifiedCancelAt: clock.now(),
      cancelEventId: cancel.id,
    });
    clock.advance(MIN);
    const confirmed = svc.act(a!.id, 'confirm-cancel', 'u1');
    expect(confirmed).toMatchObject({ state: 'new', cancelledAt: clock.now(), cancelConfirmedBy: 'u1' });
    expect(svc.store.transitions(a!.id).map((t) => t.action)).toEqual([
      'raise',
      'unverified-cancel',
      'confirm-cancel',
    ]);
  });

  it('a key-safe opening at the home counts as on site only while the alarm is assigned', async () => {
    await feed(ev('pendant', 'alarm'));
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    await feed(ev('keysafe', 'door_opened'));
    expect(svc.store.get(a!.id)?.state).toBe('new');
    svc.act(a!.id, 'assign', 'u1', { teamId: 'team-1' });
    await feed(ev('keysafe', 'code_accepted', { data: { slot: 1, codeKind: 'one_time' } }), 'home-2');
    expect(svc.store.get(a!.id)?.state).toBe('assigned');
    clock.advance(31 * MIN);
    await feed(ev('keysafe', 'code_accepted', { data: { slot: 1, codeKind: 'one_time' } }));
    expect(svc.store.get(a!.id)).toMatchObject({
      state: 'on_site',
      onSiteSource: 'keysafe',
      onSiteAt: clock.now(),
    });
  });

  it('on site is when the key safe opened, even when the home unit delivers the opening late', async () => {
    await feed(ev('pendant', 'alarm'));
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    svc.act(a!.id, 'assign', 'u1', { teamId: 'team-1' });
    const openedAt = clock.now() + 12 * MIN;
    clock.advance(40 * MIN); // the unit was offline; the opening arrives now
    await feed(ev('keysafe', 'door_opened', { receivedAt: openedAt }));
    const view = svc.store.get(a!.id);
    expect(view).toMatchObject({ state: 'on_site', onSiteAt: openedAt });
    expect(svc.store.transitions(a!.id).at(-1)).toMatchObject({ action: 'on-site', at: openedAt });
  });

  it('enforces the state machine: 409 for a wrong step, 404 for unknown alarm or user, 400 for an empty assign', async () => {
    await feed(ev('pendant', 'alarm'));
    const [a] = svc.store.list({ limit: 1, offset: 0 });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as BakenError).statusCode;
      }
      return 200;
    };
    expect(code(() => svc.act(a!.id, 'on-site', 'u1'))).toBe(409);
    expect(code(() => svc.act('nope', 'ack', 'u1'))).toBe(404);
    expect(code(() => svc.act(a!.id, 'assign', 'u1', {}))).toBe(400);
    expect(code(() => svc.act(a!.id, 'assign', 'u1', { userId: 'ghost' }))).toBe(404);
    // Assigning straight from `new` also acknowledges it.
    clock.advance(MIN);
    const assigned = svc.act(a!.id, 'assign', 'u1', { teamId: 'team-1' });
    expect(assigned).toMatchObject({ state: 'assigned', acknowledgedAt: clock.now(), acknowledgedBy: 'u1' });
    svc.act(a!.id, 'close', 'u1', { note: 'false alarm' });
    expect(code(() => svc.act(a!.id, 'close', 'u1'))).toBe(409);
    expect(
      seen.filter((s) => s.type === 'alarm.updated').map((s) => (s.body as { action: string }).action),
    ).toEqual(['assign', 'close']);
  });
});
