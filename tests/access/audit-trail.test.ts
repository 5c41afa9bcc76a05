import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuditVerify } from '@baken/server/cli/audit-verify';
import { AuditLog } from '@baken/server/modules/audit/audit-log';
import { openDatabase } from '@baken/server/store/database';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from './support/access-rig.js';

describe('server audit trail over the API', () => {
  let r: AccessRig;
  beforeEach(async () => {
    r = await accessRig();
  });
  afterEach(() => r.close());

  it('every request and refusal is chained; an altered entry is named by GET /api/v1/audit/verify', async () => {
    const w = await r.worker({ team: 'b' });
    await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    const entries = (
      await r.t.app.inject({ url: '/api/v1/audit/entries?limit=1000', headers: r.admin.auth })
    ).json();
    const refused = entries.find((e: { action: string }) => e.action === 'access.refused');
    expect(refused).toMatchObject({
      actor: `user:${w.id}`,
      subject: `home:${r.homeId}`,
      details: { reason: 'team_not_serving_client' },
    });
    expect(JSON.stringify(entries)).not.toMatch(/"code"\s*:\s*"\d{8}"/);
    const db = r.t.app.baken.db;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = ?").run(refused.seq);
    const v = await r.t.app.inject({ url: '/api/v1/audit/verify', headers: r.admin.auth });
    expect(v.json()).toMatchObject({ ok: false, firstBrokenSeq: refused.seq, problem: 'hash_mismatch' });
    expect((await r.t.app.inject({ url: '/api/v1/audit/verify', headers: w.auth })).statusCode).toBe(403);
  });

  it('a client sees only their own home in the access log and the overview', async () => {
    const other = await r.t.app.baken.repos.clients.createClient({ name: 'Mr. de Vries' }, r.t.clock.now());
    const stranger = await r.t.userWithToken('client', { clientId: other.id });
    const mine = await r.t.userWithToken('client', { clientId: r.clientId });
    expect(
      (await r.t.app.inject({ url: `/api/v1/homes/${r.homeId}/access-log`, headers: stranger.auth }))
        .statusCode,
    ).toBe(404);
    await r.worker();
    const ov = await r.t.app.inject({ url: `/api/v1/homes/${r.homeId}/access-overview`, headers: mine.auth });
    expect(ov.statusCode).toBe(200);
    expect(ov.json().people).toEqual([
      expect.objectContaining({
        teams: [{ id: r.teamA, name: 'Team Noord' }],
        active: true,
        functions: [expect.objectContaining({ name: 'district nurse' })],
      }),
    ]);
  });
});

describe('audit-verify CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-audit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on an intact chain and 1 naming the first broken entry', async () => {
    const file = join(dir, 'baken.db');
    const db = openDatabase(file);
    const log = new AuditLog(db);
    for (let i = 0; i < 4; i++)
      await log.append({ at: i, actor: 'system', action: 'test', subject: 's', details: { i } });
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runAuditVerify(
        ['--db', file],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(0);
    expect(out[0]).toContain('4 entries');
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    db.close();
    expect(
      await runAuditVerify(
        ['--db', file],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err[0]).toContain('seq 3');
    expect(
      await runAuditVerify(
        [],
        () => {},
        () => {},
      ),
    ).toBe(2);
  });
});
