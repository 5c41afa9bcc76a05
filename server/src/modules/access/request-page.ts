import type { BakenApp } from '../../app-context.js';
import type { AccessService } from './access-service.js';
import { homesForPerson } from './overviews.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/** Plain-language refusal reasons for the page (the API returns the stable codes). */
const REASONS: Record<string, string> = {
  person_disabled: 'your account cannot release codes',
  person_expired: 'your temporary access has ended',
  no_declaration: 'no signed declaration is recorded for you yet',
  person_blocked: 'your access is blocked; call the alarm centre',
  keysafe_blocked: 'this key safe is blocked; call the alarm centre',
  no_function_for_situation: 'your function does not give access in this situation',
  team_not_serving_client: 'your team does not serve this client',
  team_blocked: 'your team is blocked; call the alarm centre',
  outside_window: 'it is outside your access hours for this client',
  no_open_alarm: 'there is no open alarm at this home',
  alarm_not_assigned_to_team: 'the alarm is not assigned to your team',
};

/** The script of the page: posts the request with the session's CSRF header, shows code or reason. */
const SCRIPT = `const form = document.getElementById('req');
const out = document.getElementById('out');
const reasons = ${JSON.stringify(REASONS)};
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const fd = new FormData(form);
  const body = { homeId: fd.get('homeId'), situation: fd.get('situation') };
  out.textContent = 'Asking…';
  const r = await fetch('/api/v1/access/requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baken-csrf': document.querySelector('meta[name=baken-csrf]')?.content ?? '' },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  out.replaceChildren();
  if (r.status === 201) {
    const code = document.createElement('p'); code.className = 'code'; code.textContent = j.code;
    const until = document.createElement('p');
    until.textContent = 'Valid until ' + new Date(j.validUntil).toLocaleTimeString() + (j.delivery === 'offline' ? ' (offline code: the key safe checks it itself)' : '') + '. Works once.';
    out.append(code, until);
  } else {
    const reason = j.error?.details?.[0]?.message;
    out.textContent = 'Refused: ' + (reasons[reason] ?? j.error?.message ?? 'unknown reason') + '.';
  }
});
`;

/**
 * A tiny phone-friendly page for care workers: pick the home, the situation, get the code (or the
 * reason it was refused). Same API and rules as everyone else; no inline script.
 */
export async function requestPage(app: BakenApp, svc: AccessService): Promise<void> {
  app.get('/access/request.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(SCRIPT),
  );
  app.get('/access', { schema: { hide: true } }, async (req, reply) => {
    const p = req.principal;
    if (!p) return reply.redirect('/login?next=%2Faccess');
    reply
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8');
    if (!['care_worker', 'monitor', 'admin'].includes(p.user.role))
      return reply.code(403).send('<!doctype html><p>Your role cannot request key-safe codes.</p>');
    const { homes } = await homesForPerson(svc, p.user);
    const options = homes.map((h) => `<option value="${esc(h.homeId)}">${esc(h.address)}</option>`).join('');
    return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Key safe code · Baken</title>
${p.csrfToken ? `<meta name="baken-csrf" content="${esc(p.csrfToken)}">` : ''}
<style>body{font:18px/1.4 system-ui,sans-serif;margin:1rem;max-width:30rem}select,button{font:inherit;width:100%;padding:.6rem;margin:.3rem 0}.code{font-size:2.6rem;letter-spacing:.2rem;font-weight:700}fieldset{border:0;padding:0}</style>
<script type="module" src="/access/request.js"></script></head>
<body><h1>Key safe code</h1>
<form id="req">
<label for="homeId">Home</label><select id="homeId" name="homeId" required>${options}</select>
<fieldset><legend>Situation</legend>
<label><input type="radio" name="situation" value="alarm" checked> Alarm follow-up</label><br>
<label><input type="radio" name="situation" value="planned_care"> Planned care</label></fieldset>
<button type="submit">Get a one-time code</button></form>
<div id="out" role="status" aria-live="polite"></div>
</body></html>`);
  });
}
