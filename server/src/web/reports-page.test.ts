import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';

// server/src/web/I18N.md: report days chosen on a calendar, cut at local midnight, CSV for Dutch Excel
describe('the reports page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(); // the clock stands at 2025-01-01
  });
  afterEach(() => t.close());

  it('takes its days from calendar pickers and asks the API for local days (a DST day has 25 hours)', async () => {
    const admin = await t.userWithToken('admin');
    const r = await t.app.inject({
      url: '/app/reports?from=2024-10-27&to=2024-10-27&lang=nl',
      headers: admin.auth,
    });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/<input type="date" name="from" value="2024-10-27"/);
    expect(r.body).toMatch(/<input type="date" name="to" value="2024-10-27"/);
    const from = Date.UTC(2024, 9, 26, 22); // 00:00 in Amsterdam (CEST)
    const to = Date.UTC(2024, 9, 27, 23); // the next midnight (CET): 25 hours later
    const csv = /href="(\/api\/v1\/reports\/downtime\?[^"]+)"/.exec(r.body)![1]!.replaceAll('&amp;', '&');
    const q = new URL(csv, 'http://x').searchParams;
    expect([q.get('from'), q.get('to'), q.get('format'), q.get('lang')]).toEqual([
      String(from),
      String(to),
      'csv',
      'nl',
    ]);
    // The CSV that link gives opens in Dutch Excel: byte-order mark and semicolons.
    const file = await t.app.inject({ url: csv, headers: admin.auth });
    expect(file.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(file.body.split('\r\n')[0]).toContain(';');
  });
});
