import { randomUUID } from 'node:crypto';
import { auditRecords } from '@baken/device-sim/keysafe/audit-log';
import {
  createKsRig,
  type KsRig,
  RIG_INSTALL_SECRET,
  RIG_KEY,
  RIG_SERIAL,
} from '@baken/device-sim/keysafe/ks-test-rig';
import { auditRecordsEvent, keysafeDeviceEvent } from '@baken/gateway/bridges/keysafe-events';
import { MockClock } from '@baken/hardware';
import {
  type EventEnvelope,
  type KsAuthCommand,
  KsCodeKind,
  type KsEvent,
  ksDecodeFrame,
  ksDecodeMessage,
  type MqttCommandRequest,
} from '@baken/protocols';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { expect } from 'vitest';

export const GATEWAY_ID = 'home-0042';
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));

export interface Published {
  topic: string;
  req: MqttCommandRequest;
}

/**
 * The access module on a test app, with the device-sim key safe (its key imported into the server)
 * standing behind a stand-in home unit: frames the server publishes on `cmd/req` are decoded and
 * handed to the key safe unchanged (or altered by a test playing a compromised gateway); key-safe
 * events go through the gateway's own event mapping onto the server's domain bus. Both clocks move
 * together.
 */
export interface AccessRig {
  t: TestApp;
  ks: KsRig;
  hw: MockClock;
  homeId: string;
  clientId: string;
  deviceId: string;
  teamA: string;
  teamB: string;
  admin: { id: string; auth: { authorization: string } };
  monitor: { id: string; auth: { authorization: string } };
  /** cmd/req messages published and not yet relayed. */
  outbox: Published[];
  /**
   * How the stand-in home unit answers a one-time PIN SET_CODE, which the server waits for:
   * `relay` hands it to the key safe at once (while online); `link_down` answers as a gateway whose
   * key-safe cable is unplugged; `silent` keeps it in the outbox with no answer (a timeout).
   */
  pinAnswer: 'relay' | 'link_down' | 'silent';
  /** PIN SET_CODEs relayed at once under `pinAnswer: 'relay'` (for tests replaying or altering them). */
  relayedPins: Published[];
  online: boolean;
  setOnline(on: boolean): Promise<void>;
  /** Factory step: brings the home unit online and the key safe accepts its offline-code key. */
  provision(): Promise<void>;
  /**
   * Relays every queued frame to the key safe; returns the NAK reasons (0 = accepted), starting with
   * those of PIN SET_CODEs relayed at once since the last call.
   */
  relayAll(): Promise<number[]>;
  /** Hands one (possibly altered) command to the key safe and reports its answer to the server. */
  relay(p: Published, cmd?: KsAuthCommand): Promise<number>;
  worker(opts?: {
    team?: 'a' | 'b';
    declaration?: boolean;
    validUntil?: number;
  }): Promise<{ id: string; auth: { authorization: string } }>;
  raiseAlarm(team: 'a' | 'b' | null): string;
  advance(ms: number): Promise<void>;
  /** Sends the key safe's audit buffer as the gateway would (records after `fromSeq`). */
  sendAudit(
    fromSeq?: number,
    edit?: (r: ReturnType<typeof auditRecords>) => ReturnType<typeof auditRecords>,
  ): Promise<void>;
  flushEvents(): Promise<void>;
  /** Loses the key safe's live events not yet flushed (the home unit was down); the audit keeps them. */
  dropEvents(): Promise<number>;
  request(
    auth: { authorization: string },
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export function decodeCommand(frameHex: string): KsAuthCommand {
  const f = ksDecodeFrame(new Uint8Array(Buffer.from(frameHex, 'hex')));
  if (!f.ok) throw new Error(f.error.message);
  const m = ksDecodeMessage(f.value);
  if (!m.ok || !('auth' in m.value)) throw new Error('not an authenticated command');
  return m.value;
}

/**
 * `fresh`: the key safe left the factory without K (only its installation secret, KS-SERIAL §8.8)
 * and the server has no key for it: it gets one by KEY_INSTALL. `config`: server config overrides.
 */
export async function accessRig(
  opts: { fresh?: boolean; config?: Record<string, unknown> } = {},
): Promise<AccessRig> {
  const t = await testApp(opts.config ?? {});
  const ctx = t.app.baken;
  const access = t.app.access;
  const bus = t.app.ingest.bus;
  const now = t.clock.now();
  const admin = await t.userWithToken('admin');
  const monitor = await t.userWithToken('monitor');
  const client = await ctx.repos.clients.createClient({ name: 'Mrs. Jansen' }, now);
  const home = await ctx.repos.clients.createHome(
    { clientId: client.id, address: 'Dorpsstraat 1', region: 'Ede' },
    now,
  );
  await ctx.repos.gateways.create({
    id: GATEWAY_ID,
    homeId: home.id,
    serial: 'unit-1',
    createdAt: now,
    revokedAt: null,
    mqttPasswordHash: 'x',
  });
  const device = await ctx.repos.devices.create(
    { serial: RIG_SERIAL, type: 'keysafe', status: 'installed', homeId: home.id, gatewayId: GATEWAY_ID },
    { userId: null },
    now,
  );
  if (opts.fresh !== true) await access.setup.keys.importKey(device.id, RIG_SERIAL, RIG_KEY, now);
  const hw = new MockClock({ epochMs: now });
  const ks = await createKsRig(
    opts.fresh === true ? { clock: hw, key: undefined, installSecret: RIG_INSTALL_SECRET } : { clock: hw },
  );

  const svc = access.setup;
  const fn = await svc.matrix.createFunction(
    { name: 'district nurse', windows: { planned_care: allWeek, alarm: allWeek } },
    now,
  );
  const teamA = (await svc.matrix.createTeam({ name: 'Team Noord', id: 'team-noord' }, now)).id;
  const teamB = (await svc.matrix.createTeam({ name: 'Team Zuid', id: 'team-zuid' }, now)).id;
  await svc.matrix.updateTeam(teamA, { clientIds: [client.id] });

  const outbox: Published[] = [];
  const events: KsEvent[] = [];
  ks.safe.on('event', (e) => events.push(e));
  const pinReasons: number[] = [];
  const isPin = (p: Published) => {
    const c = decodeCommand(p.req.frameHex!);
    return c.kind === 'set_code' && c.codeKind === KsCodeKind.Pin;
  };
  svc.link.setPublisher({
    async publish(topic, payload) {
      const p = { topic, req: JSON.parse(payload) as MqttCommandRequest };
      if (!isPin(p) || rig.pinAnswer === 'silent' || !rig.online) {
        outbox.push(p);
      } else if (rig.pinAnswer === 'relay') {
        rig.relayedPins.push(p);
        pinReasons.push(await rig.relay(p));
      } else {
        const at = t.clock.now();
        const result = {
          v: 1 as const,
          transaction: p.req.transaction,
          status: 'error' as const,
          reason: 'BAKEN_ERR_KEYSAFE_LINK_DOWN',
          at,
        };
        bus.emit('command.result', { result, gatewayId: GATEWAY_ID, at });
      }
    },
  });

  const rig: AccessRig = {
    t,
    ks,
    hw,
    homeId: home.id,
    clientId: client.id,
    deviceId: device.id,
    teamA,
    teamB,
    admin,
    monitor,
    outbox,
    pinAnswer: 'relay',
    relayedPins: [],
    online: false,
    async setOnline(on) {
      rig.online = on;
      const at = t.clock.now();
      // as ingest applies the home unit's retained availability: in one turn, on its transaction
      await t.app.ingest.storeTurn({
        states: [
          {
            kind: 'availability',
            body: {
              availability: { v: 1, state: on ? 'online' : 'offline', at },
              gatewayId: GATEWAY_ID,
              homeId: home.id,
              at,
            },
          },
        ],
      });
      await ks.settle();
      if (on) await rig.relayAll();
    },
    async provision() {
      await rig.setOnline(true);
      const p = await t.app.inject({
        method: 'POST',
        url: `/api/v1/access/keysafes/${device.id}/provision`,
        headers: admin.auth,
      });
      expect(p.statusCode).toBe(202);
      expect(await rig.relayAll()).toEqual([0]);
    },
    async relay(p, cmd) {
      const reason = await ks.command(cmd ?? decodeCommand(p.req.frameHex!));
      bus.emit('command.result', {
        result: {
          v: 1,
          transaction: p.req.transaction,
          status: reason === 0 ? 'ok' : 'refused',
          ...(reason === 0 ? {} : { reason: `0x${reason.toString(16)}` }),
          at: t.clock.now(),
        },
        gatewayId: GATEWAY_ID,
        at: t.clock.now(),
      });
      await rig.flushEvents();
      return reason;
    },
    async relayAll() {
      const out = pinReasons.splice(0);
      while (outbox.length > 0 && rig.online) out.push(await rig.relay(outbox.shift()!));
      return out;
    },
    async worker(opts = {}) {
      const w = await t.userWithToken('care_worker');
      if (opts.validUntil !== undefined)
        await ctx.repos.users.update(w.id, { validUntil: opts.validUntil }, t.clock.now());
      await svc.matrix.setEmployeeFunctions(w.id, [fn.id]);
      const team = opts.team === 'b' ? teamB : teamA;
      const members = (await svc.matrix.getTeam(team))!.memberIds;
      await svc.matrix.updateTeam(team, { memberIds: [...members, w.id] });
      if (opts.declaration !== false)
        await svc.matrix.recordDeclaration(
          { userId: w.id, signedAt: t.clock.now() - 1000, documentRef: 'decl.pdf' },
          admin.id,
          t.clock.now(),
        );
      return w;
    },
    raiseAlarm(team) {
      const id = randomUUID();
      const at = t.clock.now();
      ctx.db
        .prepare(
          `INSERT INTO alarms (id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at, assigned_team_id, assigned_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
        )
        .run(
          id,
          `ev-${id}`,
          GATEWAY_ID,
          home.id,
          'pendant-1',
          'alarm',
          team ? 'assigned' : 'new',
          at,
          at,
          team === 'a' ? teamA : team === 'b' ? teamB : null,
          team ? at : null,
        );
      return id;
    },
    async advance(ms) {
      t.clock.advance(ms);
      await hw.advanceAsync(ms);
      await ks.settle();
    },
    async flushEvents() {
      await ks.settle();
      for (const e of events.splice(0)) {
        const ev = keysafeDeviceEvent(RIG_SERIAL, RIG_SERIAL, e, t.clock.now());
        const { coalesceKey: _c, ...rest } = ev;
        const envelope = { v: 1, gatewayId: GATEWAY_ID, ...rest } as EventEnvelope;
        await access.deviceEvents.handle(envelope);
      }
    },
    async dropEvents() {
      await ks.settle();
      return events.splice(0).length;
    },
    async sendAudit(fromSeq = 0, edit = (r) => r) {
      await rig.flushEvents();
      const recs = edit(auditRecords(ks.safe.nv).filter((r) => r.seq > fromSeq));
      const ev = auditRecordsEvent(RIG_SERIAL, RIG_SERIAL, recs, t.clock.now());
      if (!ev) return;
      const { coalesceKey: _c, ...rest } = ev;
      await access.deviceEvents.handle({ v: 1, gatewayId: GATEWAY_ID, ...rest } as EventEnvelope);
    },
    async request(auth, body) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/access/requests',
        headers: auth,
        payload: body,
      });
      return { status: r.statusCode, body: r.json() };
    },
    async close() {
      ks.safe.powerOff();
      await t.close();
    },
  };
  return rig;
}
