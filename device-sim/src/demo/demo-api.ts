import type { RunningServer } from '@baken/server';

export type DemoCall = (
  method: 'POST' | 'GET' | 'PUT' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/**
 * The demo's seeding talks to the server through its own HTTP API (in-process `inject`), as an
 * installer's script would, with a short-lived API token of the first admin.
 */
export async function demoApi(server: RunningServer): Promise<DemoCall> {
  const { app } = server;
  const admin = (await app.baken.repos.users.list()).find((u) => u.role === 'admin');
  if (!admin) throw new Error('BAKEN_ERR_DEMO_SEED: no admin user to seed the demo with');
  const { token } = await app.baken.auth.createApiToken(admin.id, 'demo-setup', 600);
  const headers = { authorization: `Bearer ${token}` };
  return async (method, url, payload) => {
    const r = await app.inject(
      payload === undefined ? { method, url, headers } : { method, url, headers, payload },
    );
    if (r.statusCode >= 300)
      throw new Error(`BAKEN_ERR_DEMO_SEED: ${method} ${url} → ${r.statusCode} ${r.body}`);
    return r.json();
  };
}
