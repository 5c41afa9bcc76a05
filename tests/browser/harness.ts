import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMqttPayload, topicFor } from '@baken/protocols';
import { createLogger, type RunningServer, startServer } from '@baken/server';
import { createI18n, type MessageKey, type MessageValues } from '@baken/server/i18n/index';
import type { TestApp } from '@baken/server/testing/test-app';
import { testConfig } from '@baken/server/testing/test-app';
import mqtt from 'mqtt';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** The browser suites run in both languages; `msg` is what a page says in `locale`. */
export const LOCALES = ['nl', 'en'] as const;
export const msg = (locale: 'nl' | 'en', key: MessageKey, values?: MessageValues): string =>
  createI18n(locale).t(key, values);

/** Screenshots land in `<repo>/.artifacts/screenshots/` (gitignored; CI keeps them). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.artifacts/screenshots/', import.meta.url));

/** Debian's chromium, headless, with the flags that keep it off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * The real server on ephemeral ports with a SQLite file in a fresh temp data dir, speaking
 * `locale` by default (server/src/web/I18N.md).
 */
export async function startTestServer(
  locale: 'nl' | 'en' = 'en',
): Promise<{ s: RunningServer; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baken-web-'));
  const config = testConfig({ dataDir, i18n: { locale, timeZone: 'Europe/Amsterdam' } });
  const s = await startServer({ config, logger: createLogger('silent') });
  return {
    s,
    async cleanup() {
      await s.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bearer-authenticated client for the server's HTTP API (seeding through the real API). */
export async function apiAs(s: RunningServer, username: string, password: string) {
  const login = await fetch(`${s.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const tok = await fetch(`${s.url}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-baken-csrf': csrfToken },
    body: JSON.stringify({ name: 'browser-test' }),
  });
  const { token } = (await tok.json()) as { token: string };
  return async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

export type Api = Awaited<ReturnType<typeof apiAs>>;

/** Creates a client and home, enrols and provisions a gateway, connects it over MQTT. */
export async function seedHome(api: Api, address: string, region: string) {
  const client = await api<{ id: string }>('POST', '/api/v1/clients', { name: 'Mevrouw Jansen' });
  const home = await api<{ id: string }>('POST', '/api/v1/homes', {
    clientId: client.id,
    address,
    city: 'Zwolle',
    region,
  });
  const enrol = await api<{ token: string }>('POST', `/api/v1/homes/${home.id}/enrolment-tokens`);
  const prov = await api<{ gatewayId: string; mqtt: { urls: string[]; username: string; password: string } }>(
    'POST',
    '/api/v1/provision',
    { token: enrol.token, hardwareId: 'GW-BROWSER-1', software: '0.1.0' },
  );
  const gw = await mqtt.connectAsync(prov.mqtt.urls[0]!, {
    protocolVersion: 4,
    clientId: prov.gatewayId,
    username: prov.mqtt.username,
    password: prov.mqtt.password,
    reconnectPeriod: 0,
  });
  return { homeId: home.id, clientId: client.id, gatewayId: prov.gatewayId, gw };
}

export async function publishHeartbeat(gw: mqtt.MqttClient, gatewayId: string, now: number) {
  await gw.publishAsync(
    topicFor('availability', gatewayId),
    encodeMqttPayload('availability', { v: 1, state: 'online', at: now }),
    { qos: 1, retain: true },
  );
  await gw.publishAsync(
    topicFor('heartbeat', gatewayId),
    encodeMqttPayload('heartbeat', {
      v: 1,
      gatewayId,
      sentAt: now,
      uptimeS: 120,
      software: '0.1.0',
      intervalS: 60,
      mains: 'on',
      unitBattery: null,
      outbox: { depth: 0, oldestAgeS: null },
      clockOffsetMs: 0,
      scan: { running: true, restarts: 0 },
      devices: [
        { deviceId: 'pendant-browser', kind: 'pendant', link: 'up', lastSeen: now, rssi: -60, battery: 90 },
      ],
    }),
    { qos: 1 },
  );
}

export async function publishPendantAlarm(gw: mqtt.MqttClient, gatewayId: string, now: number, id: string) {
  await gw.publishAsync(
    topicFor('events', gatewayId),
    encodeMqttPayload('events', {
      v: 1,
      id,
      gatewayId,
      deviceId: 'pendant-browser',
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: now,
      seq: 1,
      data: { format: 'baken', rssi: -60, counter: 1 },
    }),
    { qos: 1 },
  );
}

/** True when the page is wider than the viewport (a phone would scroll sideways). */
export async function hasHorizontalOverflow(page: Page): Promise<boolean> {
  // A string expression: it runs in the browser, and this file is compiled without DOM types.
  return (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')) === true;
}

/** A test app served on a loopback port with chromium; each page opens as one user (bearer token). */
export interface AppInChromium {
  url: string;
  /** A page in its own context; confirm dialogs are accepted, downloads allowed. */
  pageAs(auth: { authorization: string }, viewport?: { width: number; height: number }): Promise<Page>;
  /** Closes the pages, the browser and the app. */
  close(): Promise<void>;
}

export async function serveInChromium(t: TestApp): Promise<AppInChromium> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    url,
    async pageAs(auth, viewport = { width: 1280, height: 900 }) {
      const ctx = await browser.newContext({ viewport, extraHTTPHeaders: auth, acceptDownloads: true });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('dialog', (d) => void d.accept());
      return page;
    },
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
      await t.close();
    },
  };
}
