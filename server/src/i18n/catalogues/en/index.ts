import { alarms } from './alarms.js';
import { carers } from './carers.js';
import { centre } from './centre.js';
import { common } from './common.js';
import { events } from './events.js';
import { registry } from './registry.js';
import { updates } from './updates.js';
import { users } from './users.js';

/**
 * The English catalogue: the source every other language must match key for key. Add a part per
 * area (`en/<area>.ts` + `nl/<area>.ts`) and spread it here and in `nl/index.ts`.
 */
export const en = {
  ...common,
  ...alarms,
  ...events,
  ...updates,
  ...users,
  ...registry,
  ...centre,
  ...carers,
} as const;
