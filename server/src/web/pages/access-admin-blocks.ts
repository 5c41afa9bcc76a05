import { type MessageKey, t } from '../../i18n/index.js';
import { emptyRow } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { type Json, num, str } from '../read.js';
import { type Names, says } from './access-admin-common.js';

const SCOPES = ['person', 'team', 'keysafe'] as const;
type Scope = (typeof SCOPES)[number];
const scopeWord = (s: string | undefined) =>
  (SCOPES as readonly string[]).includes(s ?? '') ? t(`accessAdmin.scope.${s}` as MessageKey) : (s ?? '?');

function blockRow(b: Json, names: Names): SafeHtml {
  const id = str(b, 'id') ?? '';
  const scope = str(b, 'scope') as Scope | undefined;
  const target = names.of(scope ?? 'person', str(b, 'target') ?? '?');
  const col = (k: string) => t(`accessAdmin.col.${k}` as MessageKey);
  const by = str(b, 'createdBy') ?? '';
  return html`<tr data-block="${id}">
<td data-label="${col('scope')}">${scopeWord(scope)}</td>
<td data-label="${col('target')}" data-block-target>${target}</td>
<td data-label="${col('reason')}">${str(b, 'reason') ?? ''}</td>
<td data-label="${col('since')}">${timeTag(num(b, 'createdAt'))}</td>
<td data-label="${col('by')}">${names.of('person', by)}</td>
<td data-label="${col('actions')}"><button type="button" class="btn btn-secondary" data-api="/api/v1/access/blocks/${seg(id)}" data-method="DELETE" data-confirm="${t('accessAdmin.confirmLift', { name: target })}"${says()}>${t('accessAdmin.lift')}</button></td>
</tr>`;
}

function blockForm(scope: Scope, targets: ReadonlyArray<readonly [string, string]>): SafeHtml {
  return html`<details class="card" data-block-new="${scope}"><summary><strong>${t(`accessAdmin.blockNew.${scope}`)}</strong></summary>
<form class="stack-form" data-api="/api/v1/access/blocks" data-method="POST" data-confirm="${t('accessAdmin.confirmBlock')}"${says()}>
  <input type="hidden" name="scope" value="${scope}">
  <label>${t('accessAdmin.field.target')} <select name="target" required>${targets.map(
    ([id, name]) => html`<option value="${id}">${name}</option>`,
  )}</select></label>
  <label>${t('accessAdmin.field.reason')} <input name="reason" required maxlength="500" autocomplete="off"></label>
  <button type="submit" class="btn btn-danger">${t('accessAdmin.block')}</button>
</form></details>`;
}

/** The blocks in force (lifted ones left out), lift buttons, and a form per kind of block. */
export function blocksSection(blocks: Json[], names: Names): SafeHtml {
  const active = blocks.filter((b) => num(b, 'liftedAt') === undefined);
  const col = (k: string) => t(`accessAdmin.col.${k}` as MessageKey);
  return html`<section aria-labelledby="blocks-h" data-section="blocks"><h2 id="blocks-h">${t('accessAdmin.blocks')}</h2>
<p class="muted">${t('accessAdmin.blocksNote')}</p>
<div class="table-wrap"><table class="list" data-blocks><caption class="visually-hidden">${t('accessAdmin.blocks')}</caption>
<thead><tr>${['scope', 'target', 'reason', 'since', 'by', 'actions'].map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${active.length === 0 ? emptyRow(6, t('accessAdmin.noBlocks')) : active.map((b) => blockRow(b, names))}</tbody></table></div>
${SCOPES.map((s) => blockForm(s, names.all(s)))}
</section>`;
}
