import type { en } from '../en/index.js';
import type { Messages } from '../types.js';
import { access } from './access.js';
import { accessAdmin } from './access-admin.js';
import { alarms } from './alarms.js';
import { carers } from './carers.js';
import { centre } from './centre.js';
import { cli } from './cli.js';
import { client } from './client.js';
import { common } from './common.js';
import { dc09 } from './dc09.js';
import { events } from './events.js';
import { fleet } from './fleet.js';
import { formErrors } from './form-errors.js';
import { home } from './home.js';
import { js } from './js.js';
import { keysafes } from './keysafes.js';
import { matrix } from './matrix.js';
import { registry } from './registry.js';
import { reports } from './reports.js';
import { tokens } from './tokens.js';
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
  ...fleet,
  ...home,
  ...client,
  ...access,
  ...reports,
  ...js,
  ...accessAdmin,
  ...formErrors,
  ...matrix,
  ...dc09,
  ...keysafes,
  ...tokens,
  ...cli,
};
