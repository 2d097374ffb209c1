// Redemption codes (admin): list (GET /api/redemption/?p=), search, create {name, quota, count} → keys,
// enable/disable (PUT ?status_only=1), delete.
import { h, mount, toast, copyText } from '../dom.js';
import { get, post, put, del, qs } from '../api.js';
import { t } from '../i18n.js';
import { table, pager, badge, page, field, formMessage, modal } from '../ui.js';
import { quota, quotaHint, time } from '../format.js';

export async function render(root, params, query) {
  let p = Number(query.get('p') || 0);
  let keyword = '';
  const msg = formMessage();
  const body = h('div');
  const search = h('input', { type: 'search', placeholder: t('red.searchPh'), 'aria-label': t('common.search') });
  mount(root, page(t('red.title'), [
    h('form.inline', { onsubmit: (e) => { e.preventDefault(); keyword = search.value.trim(); p = 0; load(); } },
      search, h('button.secondary', { type: 'submit' }, t('common.search'))),
    h('button.primary', { type: 'button', onclick: create }, t('red.add')),
  ], msg, body));
  await load();

  async function load() {
    const r = keyword ? await get('/api/redemption/search' + qs({ keyword })) : await get('/api/redemption/' + qs({ p }));
    if (!r.success) { msg.show(r.message); mount(body); return; }
    msg.show('');
    const rows = r.data || [];
    mount(body, table([
      [t('common.id'), (c) => c.id],
      [t('common.name'), (c) => c.name],
      [t('common.status'), (c) => badge('redemption', c.status)],
      [t('red.quota'), (c) => quota(c.quota)],
      [t('common.created'), (c) => time(c.created_time)],
      [t('red.redeemed'), (c) => time(c.redeemed_time)],
      [t('common.actions'), (c) => h('div.actions',
        c.key ? h('button.small', { type: 'button', onclick: async () => toast((await copyText(c.key)) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy')) : null,
        c.status === 1 ? h('button.small.secondary', { type: 'button', onclick: () => setStatus(c, 2) }, t('common.disable'))
          : c.status === 2 ? h('button.small.secondary', { type: 'button', onclick: () => setStatus(c, 1) }, t('common.enable')) : null,
        h('button.small.danger', { type: 'button', onclick: () => remove(c) }, t('common.delete')))],
    ], rows, { 'data-testid': 'redemption-table' }), keyword ? null : pager(p, rows.length, (n) => { p = n; load(); }));
  }

  async function setStatus(c, s) {
    const r = await put('/api/redemption/?status_only=1', { id: c.id, status: s });
    if (!r.success) toast(r.message, 'error');
    load();
  }

  async function remove(c) {
    if (!confirm(t('common.confirmDelete', { name: c.name }))) return;
    const r = await del('/api/redemption/' + c.id);
    if (!r.success) toast(r.message, 'error');
    load();
  }

  function create() {
    const name = h('input', { name: 'name', maxlength: 20, required: true });
    const q = h('input', { name: 'quota', type: 'number', min: 1, value: 500000, required: true });
    const qField = field(t('red.quota'), q, quotaHint(500000));
    q.addEventListener('input', () => qField.hint(quotaHint(q.value)));
    const count = h('input', { name: 'count', type: 'number', min: 1, max: 100, value: 1, required: true });
    const form = formMessage();
    const out = h('div');
    const box = modal(t('red.add'), h('div', h('form.form-grid', { onsubmit: async (e) => {
      e.preventDefault();
      const r = await post('/api/redemption/', { name: name.value.trim(), quota: Number(q.value), count: Number(count.value) });
      if (!r.success) { form.show(r.message); return; }
      form.show(t('common.done'), true);
      const keys = Array.isArray(r.data) ? r.data : [];
      mount(out, h('h3', t('red.keys')), h('pre.snippet', { 'data-testid': 'redemption-keys' }, keys.join('\n')),
        h('button.small', { type: 'button', onclick: async () => toast((await copyText(keys.join('\n'))) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy')));
      load();
    } }, field(t('common.name'), name), qField, field(t('red.count'), count),
    h('div.form-actions', h('button.primary', { type: 'submit' }, t('common.create')), form)), out));
    void box;
  }
}
