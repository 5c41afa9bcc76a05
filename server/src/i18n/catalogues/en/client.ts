/** The client's own page: plain words, no ids, no figures only staff need. */
export const client = {
  'client.alarmStatus': 'Your alarm',
  'client.works': 'Your alarm is working',
  'client.worksSince': 'We last heard from it at {time}.',
  'client.silent': 'Your alarm has not been heard from since {time}',
  'client.silentNever': 'Your alarm has not been heard from yet',
  'client.centreKnows': 'The alarm centre knows and is looking into it. If you need help, call them.',
  'client.setupKnows': 'Your care organisation knows and will finish setting it up.',
  'client.buttonSilent': 'Your alarm button has not been heard from since {time}.',
  'client.buttonBattery': 'The battery of your alarm button is almost empty. Your care organisation knows.',
  'client.keySafeBattery': 'The battery of your key safe is almost empty. Your care organisation knows.',
  'client.pressToTest': 'You can always press your alarm button: the alarm centre answers.',
  'client.textLarger': 'Larger text',
  'client.textNormal': 'Normal text',
} as const;
