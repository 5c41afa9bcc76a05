/** The key safes screen (pages/keysafes.ts): keys, installation and the trial code. */
export const keysafes = {
  'nav.keysafes': 'Key safes',
  'keysafes.title': 'Key safes',
  'keysafes.intro':
    'Each key safe needs its key before any code can open it. A new key safe gets its key at installation, through its home unit, from the installation code printed inside its door.',
  'keysafes.ok': 'Done: the key safe confirmed it.',
  'keysafes.fail': 'Not done:',
  'keysafes.none': 'There are no key safes in the registry.',
  'keysafes.col.serial': 'Key safe',
  'keysafes.col.home': 'Home',
  'keysafes.col.key': 'Key',
  'keysafes.col.link': 'Reachable',
  'keysafes.col.state': 'State',
  'keysafes.col.actions': 'Actions',
  'keysafes.hasKey': 'Installed',
  'keysafes.noKey': 'No key yet',
  'keysafes.offlineKeyWaiting': 'offline codes: key not delivered yet',
  'keysafes.online': 'Yes',
  'keysafes.offline': 'No',
  'keysafes.blocked': 'Blocked',
  'keysafes.drifting': 'Clock drifting',
  'keysafes.waiting': '{count} commands not yet received',
  'keysafes.fine': 'In order',
  'keysafes.noHome': 'not in a home',
  'keysafes.install': 'Install the key',
  'keysafes.installSteps':
    'Open the key safe door, press the pairing button inside, then type the installation code from the label inside the door and send it within five minutes. The home unit must be online.',
  'keysafes.field.code': 'Installation code (32 hex digits; dashes and spaces allowed)',
  'keysafes.send': 'Send the key',
  'keysafes.confirmReplace':
    'Key safe {serial} has a key already. Replace it? Codes given out under the old key stop working.',
  'keysafes.refused':
    'The key safe refused the key: press the pairing button inside its door and send the code again within five minutes; check the installation code.',
  'keysafes.trial': 'Trial code',
  'keysafes.trialOk': 'Trial code ready: the key safe has it.',
  'keysafes.trialShown': 'Trial code (works once, for 10 minutes):',
} as const;
