import { describe, expect, it } from 'vitest';
import { allowedActions } from './alarm-states.js';
import { alarmCard } from './pages/alarms.js';

const T = 1_767_225_600_000;
const labels = new Map([['h1', { address: '<i>Laan</i> 1', region: undefined }]]);
const alarm = (over: Record<string, unknown>) => ({
  id: 'a1',
  homeId: 'h1',
  deviceId: 'pendant-7f3a',
  kind: 'alarm',
  state: 'new',
  raisedAt: T,
  acknowledgedAt: null,
  onSiteAt: null,
  closedAt: null,
  ...over,
});
const buttons = (markup: string) => [...markup.matchAll(/data-action="([a-z-]+)"/g)].map((m) => m[1]);

describe('alarm card', () => {
  it('offers only the next steps of new → acknowledged → assigned → on site → closed', () => {
    expect(allowedActions('new', undefined)).toEqual(['ack']);
    expect(allowedActions('acknowledged', undefined)).toEqual(['assign', 'close']);
    expect(allowedActions('assigned', undefined)).toEqual(['on-site', 'close']);
    expect(allowedActions('on_site', undefined)).toEqual(['close']);
    expect(allowedActions('closed', undefined)).toEqual([]);
    expect(allowedActions(undefined, undefined)).toEqual([]);
    // When the API lists the allowed actions, those win.
    expect(allowedActions('new', ['ack', 'close'])).toEqual(['ack', 'close']);
  });

  it('shows elapsed time against the 30-minute target, and says when it is over', () => {
    const fresh = alarmCard(alarm({}), T + 12 * 60_000, labels, 'monitor').value;
    expect(fresh).toContain('Waiting for acknowledgement: 12 min of 30 min target');
    expect(fresh).toContain(`data-elapsed-since="${T}"`);
    const late = alarmCard(alarm({}), T + 41 * 60_000, labels, 'monitor').value;
    expect(late).toContain('41 min — OVER the 30 min target');
    expect(late).toContain('target-over');
    const acked = alarmCard(
      alarm({ state: 'acknowledged', acknowledgedAt: T + 90_000 }),
      T + 5 * 60_000,
      labels,
      'monitor',
    );
    expect(acked.value).toContain('Acknowledged after 1 min');
    expect(acked.value).toContain('Waiting for on-site: 5 min of 30 min target');
  });

  it('once someone is on site, stops waiting: the time it took against the target, no running timer', () => {
    for (const role of ['monitor', 'care_worker'] as const) {
      const onSite = alarmCard(
        alarm({ state: 'on_site', acknowledgedAt: T + 60_000, onSiteAt: T + 12 * 60_000 }),
        T + 50 * 60_000,
        labels,
        role,
      ).value;
      expect(onSite).not.toContain('Waiting for');
      expect(onSite).toContain('On site after 12 min, within the 30 min target');
      expect(onSite).not.toContain('data-elapsed-since');
      expect(onSite).not.toContain('target-over');
    }
    const late = alarmCard(
      alarm({ state: 'on_site', acknowledgedAt: T + 60_000, onSiteAt: T + 42 * 60_000 }),
      T + 50 * 60_000,
      labels,
      'monitor',
    ).value;
    expect(late).toContain('On site after 42 min — OVER the 30 min target');
  });

  it('escapes the address and gives care workers only on-site and close', () => {
    const html = alarmCard(alarm({ state: 'assigned' }), T, labels, 'care_worker').value;
    expect(html).toContain('&lt;i&gt;Laan&lt;/i&gt; 1');
    expect(html).not.toContain('<i>');
    expect(buttons(html)).toEqual(['on-site', 'close']);
    expect(buttons(alarmCard(alarm({}), T, labels, 'care_worker').value)).toEqual([]);
    expect(buttons(alarmCard(alarm({}), T, labels, 'monitor').value)).toEqual(['ack']);
  });

  it('shows closed alarms without buttons or a running timer', () => {
    const html = alarmCard(
      alarm({
        state: 'closed',
        acknowledgedAt: T + 60_000,
        onSiteAt: T + 20 * 60_000,
        closedAt: T + 30 * 60_000,
      }),
      T + 60 * 60_000,
      labels,
      'admin',
    ).value;
    expect(buttons(html)).toEqual([]);
    expect(html).not.toContain('data-elapsed-since');
    expect(html).toContain('on site after 20 min');
  });

  it('gives a monitor a team form on an acknowledged alarm: serving teams first, names escaped', () => {
    const choices = {
      teams: [
        { id: 't-zuid', name: 'Team <Zuid>', memberIds: ['u2'] },
        { id: 't-noord', name: 'Team "Noord"', memberIds: ['u1', 'u2'] },
      ],
      servingByHome: new Map([['h1', new Set(['t-noord'])]]),
      names: new Map([['u1', '<b>Anna</b>']]),
    };
    const acked = alarm({ state: 'acknowledged', acknowledgedAt: T + 60_000 });
    const html = alarmCard(acked, T, labels, 'monitor', choices).value;
    expect(html).toContain('<form class="assign-form" data-assign-alarm="a1">');
    expect(html).toContain('<label for="as-team-a1">Team</label>');
    expect(html).toContain('<label for="as-user-a1">Member (optional)</label>');
    expect(html).toContain('Team &lt;Zuid&gt;');
    expect(html).toContain('Team &quot;Noord&quot;');
    expect(html).not.toContain('<Zuid>');
    expect(html.indexOf('value="t-noord"')).toBeLessThan(html.indexOf('value="t-zuid"'));
    expect(html).toContain('<option value="u1" data-teams="t-noord">&lt;b&gt;Anna&lt;/b&gt;</option>');
    // Unknown names fall back to the id; a member of two teams may be chosen for either.
    expect(html).toContain('<option value="u2" data-teams="t-zuid t-noord">u2</option>');
    expect(buttons(html)).toEqual(['close']);
    expect(html).not.toContain('Assign to me');
    // Without choices (teams API unavailable) the card keeps "Assign to me".
    expect(buttons(alarmCard(acked, T, labels, 'monitor').value)).toEqual(['assign', 'close']);
    // An assigned alarm shows the team's name, not its id, and no form.
    const assigned = alarm({ state: 'assigned', assignedTeamId: 't-noord', assignedUserId: 'u1' });
    const done = alarmCard(assigned, T, labels, 'admin', choices).value;
    expect(done).toContain('team Team &quot;Noord&quot;');
    expect(done).toContain('assigned to &lt;b&gt;Anna&lt;/b&gt;');
    expect(done).not.toContain('assign-form');
  });

  it('shows an unverified cancel as unverified, with a confirm button for the centre only', () => {
    const u = alarm({ unverifiedCancelAt: T + 60_000, cancelledAt: null });
    const monitor = alarmCard(u, T + 2 * 60_000, labels, 'monitor').value;
    expect(monitor).toContain('Unverified cancel');
    expect(monitor).toContain('may be forged');
    expect(buttons(monitor)).toContain('confirm-cancel');
    expect(buttons(alarmCard(u, T + 2 * 60_000, labels, 'care_worker').value)).not.toContain(
      'confirm-cancel',
    );
    const confirmed = alarmCard(
      alarm({ unverifiedCancelAt: T + 60_000, cancelledAt: T + 90_000, cancelConfirmedBy: 'u1' }),
      T + 2 * 60_000,
      labels,
      'monitor',
    ).value;
    expect(confirmed).not.toContain('Unverified cancel');
    expect(confirmed).toContain('confirmed by staff');
    expect(alarmCard(alarm({}), T, labels, 'monitor').value).not.toContain('cancel-note');
    expect(alarmCard(alarm({ authenticated: false }), T, labels, 'monitor').value).toContain(
      'origin cannot be proved',
    );
    expect(alarmCard(alarm({ authenticated: true }), T, labels, 'monitor').value).not.toContain(
      'origin cannot be proved',
    );
  });

  it('warns of an alarm whose origin cannot be proved without blaming BTHome for an alarm-centre link', () => {
    // an alarm received over an unencrypted DC-09 account has no pendant format to name
    const card = alarmCard(
      alarm({ deviceId: null, authenticated: false }),
      T + 60_000,
      labels,
      'monitor',
    ).value;
    expect(card).toContain('unauthenticated');
    expect(card).toContain('could be forged');
    expect(card).toContain('alarm-centre link without encryption');
    expect(alarmCard(alarm({ authenticated: true }), T + 60_000, labels, 'monitor').value).not.toContain(
      'could be forged',
    );
  });
});
