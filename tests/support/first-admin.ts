import type { startServer } from '@baken/server';

type RunningServer = Awaited<ReturnType<typeof startServer>>;

/**
 * Logs in as the first admin a fresh server created and makes an API token, as a new user would
 * on the first run: the `Authorization` header for the token. Throws saying which step failed.
 */
export async function firstAdminAuth(
  server: RunningServer,
  name = 'test',
): Promise<{ authorization: string }> {
  const admin = server.firstAdmin;
  if (!admin) throw new Error('the server made no first admin: its database was not empty');
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: admin.username, password: admin.password },
  });
  if (login.statusCode !== 200)
    throw new Error(`first-admin login answered ${login.statusCode}: ${login.body}`);
  const token = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    headers: {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-baken-csrf': login.json().csrfToken,
    },
    payload: { name },
  });
  if (token.statusCode >= 300)
    throw new Error(`making an API token answered ${token.statusCode}: ${token.body}`);
  return { authorization: `Bearer ${token.json().token}` };
}
