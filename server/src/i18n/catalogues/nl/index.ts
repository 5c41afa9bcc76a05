import type { en } from '../en/index.js';
import type { Messages } from '../types.js';
import { alarms } from './alarms.js';
import { carers } from './carers.js';
import { centre } from './centre.js';
import { common } from './common.js';
import { events } from './events.js';
import { registry } from './registry.js';
import { updates } from './updates.js';
import { users } from './users.js';

/** The Dutch catalogue: every key of the English one (a missing part is a type error). */
export const nl: Messages<typeof en> = {
  ...common,
  ...alarms,
  ...events,
  ...updates,
  ...users,
  ...registry,
  ...centre,
  ...carers,
};
