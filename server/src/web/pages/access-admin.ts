import { t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { html } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { list, str } from '../read.js';
import { blocksSection } from './access-admin-blocks.js';
import { names } from './access-admin-common.js';
import { settingsSection } from './access-admin-settings.js';
import { teamsSection } from './access-admin-teams.js';

/**
 * Access management for admins: what the key-safe access API offered without a screen — blocks of
 * a person, team or key safe, teams and their members (server/src/modules/access/README.md).
 */
export async function accessAdminPage(c: PageContext): Promise<PageResult> {
  const [blocks, teams, users, keysafes, settings] = await Promise.all([
    c.api.get('/api/v1/access/blocks'),
    c.api.get('/api/v1/access/teams'),
    c.api.get('/api/v1/users'),
    c.api.get('/api/v1/access/keysafes'),
    c.api.get('/api/v1/access/settings'),
  ]);
  const staff = (users.ok ? list(users.data) : []).filter((u) => str(u, 'role') !== 'client');
  const teamList = teams.ok ? list(teams.data) : [];
  const n = names(staff, teamList, keysafes.ok ? list(keysafes.data) : []);
  const body = html`<p class="muted">${t('accessAdmin.intro')}</p>
${blocks.ok ? blocksSection(list(blocks.data), n) : notAvailable(t('accessAdmin.blocks'), blocks)}
${teams.ok ? teamsSection(teamList, n) : notAvailable(t('accessAdmin.teams'), teams)}
${settings.ok ? settingsSection(settings.data) : notAvailable(t('accessAdmin.settings'), settings)}`;
  return {
    title: t('accessAdmin.title'),
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
    scripts: ['forms.js'],
  };
}
