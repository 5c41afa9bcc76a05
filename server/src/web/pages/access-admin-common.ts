import { t } from '../../i18n/index.js';
import { html } from '../html.js';
import { type Json, str } from '../read.js';

/** What every API form and button on the access management page says on success and failure. */
export const says = () => html` data-ok="${t('accessAdmin.ok')}" data-fail="${t('accessAdmin.fail')}"`;

/** Names for the ids the access API answers with: people, teams and key safes (by serial). */
export interface Names {
  of(kind: 'person' | 'team' | 'keysafe', id: string): string;
  all(kind: 'person' | 'team' | 'keysafe'): Array<readonly [id: string, name: string]>;
}

export function names(users: Json[], teams: Json[], keysafes: Json[]): Names {
  const map = {
    person: new Map(users.map((u) => [str(u, 'id') ?? '', str(u, 'displayName') ?? '?'] as const)),
    team: new Map(teams.map((x) => [str(x, 'id') ?? '', str(x, 'name') ?? '?'] as const)),
    keysafe: new Map(keysafes.map((k) => [str(k, 'deviceId') ?? '', str(k, 'serial') ?? '?'] as const)),
  };
  return {
    of: (kind, id) => map[kind].get(id) ?? id,
    all: (kind) => [...map[kind]].sort((a, b) => a[1].localeCompare(b[1])),
  };
}
