import { i18n, t } from '../../i18n/index.js';
import type { ApiResult } from '../api-client.js';
import { notAvailable } from '../components.js';
import { toMs } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';
import { accessLogSection, whoMayEnterSection } from './access-sections.js';

/** `14:05` today, `5 dec 2026 14:05` before today (in the home's time zone). */
function when(ms: number, now: number): string {
  return i18n().isoDay(ms) === i18n().isoDay(now) ? i18n().time(ms) : i18n().dateTime(ms);
}

/**
 * Whether the alarm works, in one sentence a very old person can read: the home unit must be
 * online and every pendant heard from. Never a burn rate, an id or a state name.
 */
function alarmStatus(h: ApiResult, now: number): SafeHtml {
  if (!h.ok) return notAvailable(t('client.alarmStatus'), h);
  const gw = pick(h.data, 'gateway');
  const gwState = str(gw, 'state');
  const gwSeen = toMs(pick(gw, 'lastSeenAt'));
  const devices = list(h.data, 'devices');
  const notes: string[] = [];
  for (const d of devices) {
    const kind = str(d, 'kind');
    const seen = toMs(pick(d, 'lastSeenAt'));
    const battery = num(d, 'battery');
    if (
      kind === 'pendant' &&
      seen !== undefined &&
      (str(d, 'state') === 'offline' || str(d, 'state') === 'stale')
    )
      notes.push(t('client.buttonSilent', { time: when(seen, now) }));
    if (battery !== undefined && battery <= 20)
      notes.push(t(kind === 'keysafe' ? 'client.keySafeBattery' : 'client.buttonBattery'));
  }
  const ok = gwState === 'online' && notes.length === 0;
  const headline =
    gwState === 'online'
      ? t('client.works')
      : gwSeen !== undefined
        ? t('client.silent', { time: when(gwSeen, now) })
        : t('client.silentNever');
  const followUp =
    gwState === 'online'
      ? gwSeen !== undefined
        ? t('client.worksSince', { time: when(gwSeen, now) })
        : ''
      : t(gwSeen !== undefined ? 'client.centreKnows' : 'client.setupKnows');
  return html`<section class="client-status ${ok ? 'client-ok' : 'client-bad'}" aria-labelledby="h-status" data-section="alarm-status" data-alarm-works="${ok ? 'yes' : 'no'}">
  <h2 id="h-status" class="visually-hidden">${t('client.alarmStatus')}</h2>
  <p class="client-headline"><span aria-hidden="true">${ok ? '✓' : '⚠'} </span>${headline}</p>
  ${followUp ? html`<p>${followUp}</p>` : ''}
  ${notes.map((n) => html`<p class="notice notice-warn">${n}</p>`)}
  <p class="muted">${t('client.pressToTest')}</p>
</section>`;
}

/**
 * The client's own home (role `client`): whether the alarm works, who came in, who may come in.
 * Larger text on request (`?text=large`, the link in the header).
 */
export async function clientHomePage(c: PageContext, id: string, home: Json): Promise<PageResult> {
  const [health, overview, accessLog] = await Promise.all([
    c.api.get(`/api/v1/homes/${seg(id)}/health`),
    c.api.get(`/api/v1/homes/${seg(id)}/access-overview`),
    c.api.get(`/api/v1/homes/${seg(id)}/access-log`, { limit: 50 }),
  ]);
  return {
    title: str(home, 'address') ?? t('home.myHome'),
    body: html`${alarmStatus(health, c.now)}${accessLogSection(accessLog)}${whoMayEnterSection(overview)}`,
  };
}
