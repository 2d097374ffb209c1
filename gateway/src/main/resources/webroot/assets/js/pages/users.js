// Users (admin): list (GET /api/user/?p=), search, create (POST /api/user/), edit incl. quota and group
// (PUT /api/user/), enable/disable/promote/demote/delete (POST /api/user/manage).
import { h, mount, toast } from '../dom.js';
import { get, post, put, qs } from '../api.js';
import { t } from '../i18n.js';
import { table, pager, badge, page, field, formMessage, modal } from '../ui.js';
import { quota, quotaHint, roleLabel } from '../format.js';
import { isRoot, user as me } from '../state.js';

export async function render(root, params, query) {
  let p = Number(query.get('p') || 0);
  let keyword = '';
  const msg = formMessage();
  const body = h('div');
  const search = h('input', { type: 'search', placeholder: t('user.searchPh'), 'aria-label': t('common.search') });
  const groupsRes = await get('/api/group/');
  const groups = groupsRes.success && Array.isArray(groupsRes.data) && groupsRes.data.length ? groupsRes.data : ['default'];
  mount(root, page(t('user.title'), [
    h('form.inline', { onsubmit: (e) => { e.preventDefault(); keyword = search.value.trim(); p = 0; load(); } },
      search, h('button.secondary', { type: 'submit' }, t('common.search'))),
    h('button.primary', { type: 'button', onclick: create }, t('user.add')),
  ], msg, body));
  await load();

  async function load() {
    const r = keyword ? await get('/api/user/search' + qs({ keyword })) : await get('/api/user/' + qs({ p }));
    if (!r.success) { msg.show(r.message); mount(body); return; }
    msg.show('');
    const rows = r.data || [];
    mount(body, table([
      [t('common.id'), (u) => u.id],
      [t('user.username'), (u) => h('span', { title: u.email || '' }, u.username, u.display_name ? h('small.muted', ' ' + u.display_name) : null)],
      [t('user.group'), (u) => u.group || 'default'],
      [t('dash.balance'), (u) => quota(u.quota)],
      [t('user.used'), (u) => quota(u.used_quota)],
      [t('user.requests'), (u) => u.request_count || 0],
      [t('user.role'), (u) => roleLabel(u.role)],
      [t('common.status'), (u) => badge('user', u.status)],
      [t('common.actions'), (u) => h('div.actions',
        h('button.small.secondary', { type: 'button', onclick: () => edit(u) }, t('common.edit')),
        u.status === 1 ? action(u, 'disable', t('common.disable')) : action(u, 'enable', t('common.enable')),
        isRoot() && u.role < 10 ? action(u, 'promote', t('user.promote')) : null,
        isRoot() && u.role >= 10 && u.role < 100 ? action(u, 'demote', t('user.demote')) : null,
        u.id !== (me.get() || {}).id ? action(u, 'delete', t('common.delete'), true) : null)],
    ], rows, { 'data-testid': 'user-table' }), keyword ? null : pager(p, rows.length, (n) => { p = n; load(); }));
  }

  function action(u, name, label, danger) {
    return h('button.small' + (danger ? '.danger' : '.secondary'), { type: 'button', onclick: async () => {
      if (name === 'delete' && !confirm(t('common.confirmDelete', { name: u.username }))) return;
      const r = await post('/api/user/manage', { username: u.username, action: name });
      if (!r.success) toast(r.message, 'error'); else toast(t('common.done'));
      load();
    } }, label);
  }

  function create() {
    const username = h('input', { name: 'username', maxlength: 12, required: true });
    const displayName = h('input', { name: 'display_name', maxlength: 20 });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 8, maxlength: 20, required: true });
    const form = formMessage();
    const box = modal(t('user.addTitle'), h('form.form-grid', { onsubmit: async (e) => {
      e.preventDefault();
      const r = await post('/api/user/', { username: username.value.trim(), display_name: displayName.value.trim(), password: password.value });
      if (!r.success) { form.show(r.message); return; }
      box.close(); toast(t('common.done')); load();
    } }, field(t('user.username'), username), field(t('user.displayName'), displayName), field(t('user.password'), password),
    h('div.form-actions', h('button.primary', { type: 'submit' }, t('common.create')), form)));
  }

  async function edit(u) {
    const full = await get('/api/user/' + u.id);
    if (!full.success) { toast(full.message, 'error'); return; }
    const d = full.data;
    const username = h('input', { name: 'username', value: d.username, maxlength: 12, required: true });
    const displayName = h('input', { name: 'display_name', value: d.display_name || '', maxlength: 20 });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
    const q = h('input', { name: 'quota', type: 'number', value: d.quota });
    const qField = field(t('user.quota'), q, quotaHint(d.quota));
    q.addEventListener('input', () => qField.hint(quotaHint(q.value)));
    const group = h('select', { name: 'group' }, [...new Set([...groups, d.group || 'default'])].map((g) =>
      h('option', { value: g, selected: g === (d.group || 'default') }, g)));
    const form = formMessage();
    const box = modal(t('user.editTitle', { id: d.id }), h('form.form-grid', { onsubmit: async (e) => {
      e.preventDefault();
      const bodyJson = { id: d.id, username: username.value.trim(), display_name: displayName.value.trim(),
        quota: Number(q.value || 0), group: group.value };
      if (password.value) bodyJson.password = password.value;
      const r = await put('/api/user/', bodyJson);
      if (!r.success) { form.show(r.message); return; }
      box.close(); toast(t('common.done')); load();
    } }, field(t('user.username'), username), field(t('user.displayName'), displayName),
    field(t('user.passwordKeep'), password), qField, field(t('user.group'), group),
    h('div.form-actions', h('button.primary', { type: 'submit' }, t('common.save')), form)));
  }
}
