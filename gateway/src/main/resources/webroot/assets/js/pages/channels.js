// Channel list (admin): GET /api/channel/?p=, search, enable/disable/priority/weight via PUT /api/channel/,
// test (GET /api/channel/test/:id), balance (GET /api/channel/update_balance/:id), delete.
import { h, mount, toast } from '../dom.js';
import { get, put, del, qs } from '../api.js';
import { t } from '../i18n.js';
import { table, pager, badge, page, formMessage } from '../ui.js';
import { quota } from '../format.js';
import { typeName } from '../channel-types.js';

export async function render(root, params, query) {
  let p = Number(query.get('p') || 0);
  let keyword = query.get('keyword') || '';
  const msg = formMessage();
  const body = h('div');
  const search = h('input', { type: 'search', placeholder: t('ch.searchPh'), value: keyword, 'aria-label': t('common.search') });
  const toolbar = [
    h('form.inline', { onsubmit: (e) => { e.preventDefault(); keyword = search.value.trim(); p = 0; load(); } },
      search, h('button.secondary', { type: 'submit' }, t('common.search'))),
    h('a.button.primary', { href: '/channel/add', 'data-link': '', 'data-testid': 'add-channel' }, t('ch.add')),
    h('button.secondary', { type: 'button', onclick: testAll }, t('ch.testAll')),
    h('button.secondary', { type: 'button', onclick: deleteDisabled }, t('ch.deleteDisabled')),
  ];
  mount(root, page(t('ch.title'), toolbar, msg, body));
  await load();

  async function load() {
    const r = keyword ? await get('/api/channel/search' + qs({ keyword })) : await get('/api/channel/' + qs({ p }));
    if (!r.success) { msg.show(r.message); mount(body); return; }
    msg.show('');
    const rows = r.data || [];
    history.replaceState(null, '', '/channel' + qs({ p: p || '', keyword }));
    mount(body, table([
      [t('common.id'), (c) => c.id],
      [t('common.name'), (c) => h('a', { href: '/channel/edit/' + c.id, 'data-link': '' }, c.name || '–')],
      [t('ch.type'), (c) => typeName(c.type)],
      [t('common.status'), (c) => badge('channel', c.status)],
      [t('ch.models'), (c) => modelsCell(c.models)],
      [t('ch.group'), (c) => c.group || 'default'],
      [t('ch.priority'), (c) => numberCell(c, 'priority')],
      [t('ch.weight'), (c) => numberCell(c, 'weight')],
      [t('ch.responseTime'), (c) => c.response_time ? (c.response_time / 1000).toFixed(2) + ' s' : '–'],
      [t('ch.balance'), (c) => h('span', { title: c.balance_updated_time ? new Date(c.balance_updated_time * 1000).toLocaleString() : '' },
        c.balance != null ? '$' + Number(c.balance).toFixed(2) : '–')],
      [t('ch.usedQuota'), (c) => quota(c.used_quota)],
      [t('common.actions'), (c) => h('div.actions',
        h('button.small', { type: 'button', 'data-testid': 'test-' + c.id, onclick: () => test(c) }, t('ch.test')),
        h('button.small.secondary', { type: 'button', onclick: () => balance(c) }, t('ch.updateBalance')),
        c.status === 1
          ? h('button.small.secondary', { type: 'button', onclick: () => setStatus(c, 2) }, t('common.disable'))
          : h('button.small.secondary', { type: 'button', onclick: () => setStatus(c, 1) }, t('common.enable')),
        h('a.button.small.secondary', { href: '/channel/edit/' + c.id, 'data-link': '' }, t('common.edit')),
        h('button.small.danger', { type: 'button', onclick: () => remove(c) }, t('common.delete')))],
    ], rows, { 'data-testid': 'channel-table' }), keyword ? null : pager(p, rows.length, (n) => { p = n; load(); }));
  }

  function modelsCell(models) {
    const list = (models || '').split(',').filter(Boolean);
    if (list.length <= 3) return list.join(', ');
    return h('span', { title: list.join(', ') }, list.slice(0, 3).join(', ') + ' … ' + t('ch.modelsCount', { n: list.length }));
  }

  function numberCell(c, key) {
    const input = h('input.num', { type: 'number', value: c[key] ?? 0, 'aria-label': key,
      onchange: async () => {
        const r = await put('/api/channel/', { id: c.id, [key]: Number(input.value) });
        if (r.success) toast(t('common.done')); else { toast(r.message, 'error'); input.value = c[key] ?? 0; }
      } });
    return input;
  }

  async function test(c) {
    const r = await get('/api/channel/test/' + c.id);
    if (r.success) toast(t('ch.tested', { name: c.name, time: Number(r.time || 0).toFixed(2) }));
    else toast(c.name + ': ' + r.message, 'error');
    load();
  }

  async function balance(c) {
    const r = await get('/api/channel/update_balance/' + c.id);
    if (r.success) toast(t('ch.balanceUpdated', { balance: '$' + Number(r.balance || 0).toFixed(2) }));
    else toast(c.name + ': ' + r.message, 'error');
    load();
  }

  async function setStatus(c, status) {
    const r = await put('/api/channel/', { id: c.id, status });
    if (!r.success) toast(r.message, 'error');
    load();
  }

  async function remove(c) {
    if (!confirm(t('common.confirmDelete', { name: c.name }))) return;
    const r = await del('/api/channel/' + c.id);
    if (!r.success) toast(r.message, 'error');
    load();
  }

  async function testAll() {
    const r = await get('/api/channel/test');
    toast(r.success ? (r.message || t('common.done')) : r.message, r.success ? 'ok' : 'error');
  }

  async function deleteDisabled() {
    if (!confirm(t('common.confirmDelete', { name: t('status.disabled') }))) return;
    const r = await del('/api/channel/disabled');
    toast(r.success ? t('common.done') + ' ' + (r.data ?? '') : r.message, r.success ? 'ok' : 'error');
    load();
  }
}
