import { t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';
import { inSection } from './alarm-centre-in.js';
import { outSection } from './alarm-centre-out.js';

function receiverStatus(r: Json): SafeHtml {
  return html`<p data-receiver>${t('dc09.receiver')}: ${
    pick(r, 'listening') === true
      ? t('dc09.receiverOn', { tcp: num(r, 'tcpPort') ?? '?', udp: num(r, 'udpPort') ?? '?' })
      : t('dc09.receiverOff')
  }</p>`;
}

/**
 * The alarm-centre link for admins and technicians (docs/alarm-centre.md): homes' accounts at the
 * alarm centre (out) and third-party units reporting to Baken (in) — list, create, change, stop.
 * Keys are write-only: the API returns only their size, and no page ever holds one.
 */
export async function alarmCentrePage(c: PageContext): Promise<PageResult> {
  const [out, units, receiver, homes] = await Promise.all([
    c.api.get('/api/v1/alarm-centre/accounts'),
    c.api.get('/api/v1/alarm-centre/units'),
    c.api.get('/api/v1/alarm-centre/receiver'),
    c.api.get('/api/v1/homes', { limit: 500 }),
  ]);
  const homeList = (homes.ok ? list(homes.data) : [])
    .map((h) => [str(h, 'id') ?? '', [str(h, 'address'), str(h, 'city')].filter(Boolean).join(', ')] as const)
    .sort((a, b) => a[1].localeCompare(b[1]));
  const admin = c.principal.user.role === 'admin';
  const body = html`${out.ok ? outSection(list(out.data), homeList, admin) : notAvailable(t('dc09.out'), out)}
${receiver.ok ? receiverStatus(receiver.data) : ''}
${units.ok ? inSection(list(units.data), homeList, admin) : notAvailable(t('dc09.in'), units)}`;
  return {
    title: t('dc09.title'),
    controls: html`<p class="muted">${t('dc09.intro')}</p>
<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
    scripts: ['forms.js'],
  };
}
