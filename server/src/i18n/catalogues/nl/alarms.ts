import type { alarms as en } from '../en/alarms.js';
import type { Messages } from '../types.js';

export const alarms: Messages<typeof en> = {
  'alarms.title': 'Alarmen',
  'alarms.open': 'Open alarmen ({count})',
  'alarms.noneOpen': 'Geen open alarmen.',
  'alarms.recentlyClosed': 'Onlangs afgesloten ({count})',
  'alarms.inbox': 'de alarmlijst',
  'alarms.kind.fall': 'Val',
  'alarms.kind.alarm': 'Alarm',
  'alarms.unknownHome': 'Onbekende woning',
  'alarms.raised': 'Gemeld {when}',
  'alarms.raisedUnknown': 'op een onbekend tijdstip',
  'alarms.byDevice': 'door apparaat',
  'alarms.team': 'team {team}',
  'alarms.assignedTo': 'toegewezen aan {name}',
  'alarms.ackAfter': 'Aangenomen na {duration}',
  'alarms.onSiteAfterShort': 'ter plaatse na {duration}',
  'alarms.closedAt': 'afgesloten {when}',
  'alarms.unauthenticated':
    'De herkomst is niet te controleren (een halszender met BTHome zonder versleuteling, of een meldkamerkoppeling zonder versleuteling): behandel het als echt, maar het kan vervalst zijn.',
  'alarms.cancelled': 'Geannuleerd {when} vanaf de halszender (gecontroleerd)',
  'alarms.cancelledConfirmed':
    'Geannuleerd {when} (niet-gecontroleerde annulering, bevestigd door een medewerker)',
  'alarms.unverifiedCancel': 'Niet-gecontroleerde annulering',
  'alarms.unverifiedCancelText':
    '{when}: deze halszender is niet te controleren, dus de annulering kan vervalst zijn. Bel de cliënt voordat u erop handelt; het alarm blijft open.',
  'alarms.confirmCancel': 'Annulering bevestigen',
  'alarms.target.waitAck': 'Wacht op aanname',
  'alarms.target.waitOnSite': 'Wacht op aankomst',
  'alarms.target.onSiteAfter': 'Ter plaatse na',
  'alarms.target.running': '{label}: {duration} van de norm van 30 min',
  'alarms.target.over': '{label} {duration} — OVER de norm van 30 min',
  'alarms.target.within': '{label} {duration}, binnen de norm van 30 min',
  'assign.team': 'Team',
  'assign.chooseTeam': 'Kies een team…',
  'assign.serving': 'Werkt in deze woning',
  'assign.otherTeams': 'Andere teams',
  'assign.member': 'Medewerker (niet verplicht)',
  'assign.wholeTeam': 'Hele team',
  'assign.submit': 'Toewijzen',
};
