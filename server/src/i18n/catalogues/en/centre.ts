/** The alarm card's delivery to the alarm centre [docs/alarm-centre.md §Dashboard]. */
export const centre = {
  'centre.delivered': 'Alarm centre: delivered (acknowledged) {when}',
  'centre.refused': 'Alarm centre refused this message (DUH): call the centre, it does not have this alarm.',
  'centre.pending': 'Alarm centre: not yet acknowledged, queued {when}',
  'centre.pendingTries':
    'Alarm centre: not yet acknowledged — {tries, plural, one {# try} other {# tries}}, last: {error}; queued {when}',
} as const;
