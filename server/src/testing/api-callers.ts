import { SqliteAlarmStore } from '../modules/alarms/sqlite-alarm-store.js';
import { ROLES, type Role } from '../store/repositories/index.js';
import type { TestApp } from './test-app.js';

/** Who calls: no credentials (`role: null`), or a user of one role with an API token. */
export interface Caller {
  role: Role | null;
  headers: Record<string, string>;
  /** Ids of things this caller must never see in a successful answer (another client's home, …). */
  unseen: string[];
  /** Logged in by session cookie, without the CSRF header: every state change must be refused. */
  withoutCsrf?: boolean;
}

const PLURAL: Record<string, string> = { member: 'users', user: 'users', employee: 'users' };
/** `/api/v1/homes/{id}/health` → `homes`; `/api/v1/access/teams` → `teams`. */
const resourceOf = (path: string, param?: string): string => {
  const parts = path.split('/').filter((p) => p.length > 0);
  const at = param ? parts.indexOf(`{${param}}`) : parts.length;
  for (let i = at - 1; i >= 0; i--) if (!parts[i]!.startsWith('{')) return parts[i]!;
  return '';
};
const bucketOfName = (name: string): string => {
  const stem = name.replace(/Ids?$/, '');
  return PLURAL[stem] ?? `${stem}s`;
};

/**
 * Ids that exist in the store, learnt from the answers of earlier calls, so that generated requests
 * name real homes, devices, users… and reach past "not found". The callers' own user and token ids
 * are never offered, so a generated call cannot disable or revoke the test's own callers.
 */
export class IdPool {
  private readonly buckets = new Map<string, Set<string>>();

  constructor(private readonly protectedIds: Set<string>) {}

  add(bucket: string, id: unknown): void {
    if (typeof id !== 'string' || id.length === 0 || this.protectedIds.has(id)) return;
    const b = this.buckets.get(bucket) ?? new Set<string>();
    this.buckets.set(bucket, b);
    if (b.size < 50) b.add(id);
  }

  /** Collects `id` (under the path's resource) and every `…Id` field of a JSON answer. */
  harvest(path: string, body: string): void {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return;
    }
    const resource = resourceOf(path, path.includes('{id}') ? 'id' : undefined);
    const walk = (v: unknown, depth: number, top: boolean) => {
      if (depth > 4 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const x of v.slice(0, 50)) walk(x, depth + 1, top);
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        if (k === 'id' && top) this.add(resource, x);
        else if (/Id$/.test(k)) this.add(bucketOfName(k), x);
        else walk(x, depth + 1, top && (k === 'items' || k === 'meta'));
      }
    };
    walk(value, 0, true);
  }

  /** Known values for a path parameter or body field `name` of an operation at `path`. */
  known(path: string, name: string): string[] {
    const bucket = name === 'id' ? resourceOf(path, 'id') : /Ids?$/.test(name) ? bucketOfName(name) : null;
    return bucket ? [...(this.buckets.get(bucket) ?? [])] : [];
  }
}

/**
 * Callers for contract tests: anonymous and one user of each role (the client user bound to a
 * client with a home), plus a second user of each role and a second client as things to act on.
 */
export async function callerSet(t: TestApp): Promise<{ callers: Caller[]; pool: IdPool }> {
  const { repos } = t.app.baken;
  const now = t.clock.now();
  const mine = await repos.clients.createClient({ name: 'Own client' }, now);
  const other = await repos.clients.createClient({ name: 'Other client' }, now);
  const homes = [
    await repos.clients.createHome({ clientId: mine.id, address: '1 Own Street', region: 'north' }, now),
    await repos.clients.createHome({ clientId: other.id, address: '2 Other Street', region: 'south' }, now),
  ];
  const callers: Caller[] = [{ role: null, headers: {}, unseen: [] }];
  const protectedIds = new Set<string>();
  for (const role of ROLES) {
    const u = await t.userWithToken(role, {
      username: `caller-${role}`,
      ...(role === 'client' ? { clientId: mine.id } : {}),
    });
    protectedIds.add(u.id);
    for (const tok of await repos.apiTokens.listForUser(u.id)) protectedIds.add(tok.id);
    callers.push({ role, headers: u.auth, unseen: [] });
  }
  // An admin's browser session whose state changes come without the CSRF header (a forged form).
  const sessionUser = await repos.users.create(
    {
      username: 'caller-session',
      displayName: 'Session admin',
      role: 'admin',
      passwordHash: await t.app.baken.auth.hashPassword('session password 1'),
    },
    now,
  );
  protectedIds.add(sessionUser.id);
  const session = await t.app.baken.auth.login('caller-session', 'session password 1', '192.0.2.1');
  callers.push({
    role: 'admin',
    headers: { cookie: `baken_session=${session.sessionSecret}` },
    unseen: [],
    withoutCsrf: true,
  });
  const pool = new IdPool(protectedIds);
  for (const role of ROLES) {
    const v = await t.userWithToken(role, {
      username: `other-${role}`,
      ...(role === 'client' ? { clientId: other.id } : {}),
    });
    pool.add('users', v.id);
  }
  for (const c of [mine, other]) pool.add('clients', c.id);
  // The client caller never sees the other client; the care worker no alarm, as none is theirs.
  const client = callers.find((c) => c.role === 'client')!;
  const worker = callers.find((c) => c.role === 'care_worker')!;
  client.unseen.push(other.id, homes[1]!.id);
  // Devices and open alarms in both homes, so the alarm and key-safe operations get past "not found".
  const alarms = new SqliteAlarmStore(t.app.baken.db);
  for (const [i, h] of homes.entries()) {
    pool.add('homes', h.id);
    const by = { userId: null };
    for (const type of ['pendant', 'keysafe'] as const) {
      const d = await repos.devices.create(
        { serial: `${type}-${i}`, type, status: 'installed', homeId: h.id },
        by,
        now,
      );
      pool.add('devices', d.id);
      if (i === 1) client.unseen.push(d.id);
    }
    for (const n of [1, 2]) {
      const a = await alarms.create({
        eventId: `event-${i}-${n}`,
        gatewayId: `gateway-${i}`,
        homeId: h.id,
        deviceId: `pendant-${i}`,
        kind: 'alarm',
        authenticated: true,
        raisedAt: now,
        createdAt: now,
      });
      if (a) {
        pool.add('alarms', a.id);
        worker.unseen.push(a.id);
        if (i === 1) client.unseen.push(a.id);
      }
    }
  }
  return { callers, pool };
}
