import type { centre as en } from '../en/centre.js';
import type { Messages } from '../types.js';

export const centre: Messages<typeof en> = {
  'centre.delivered': 'Meldkamer: afgeleverd (bevestigd) {when}',
  'centre.refused': 'De meldkamer weigerde dit bericht (DUH): bel de meldkamer, zij heeft dit alarm niet.',
  'centre.pending': 'Meldkamer: nog niet bevestigd, in de wachtrij sinds {when}',
  'centre.pendingTries':
    'Meldkamer: nog niet bevestigd — {tries, plural, one {# poging} other {# pogingen}}, laatste: {error}; in de wachtrij sinds {when}',
};
