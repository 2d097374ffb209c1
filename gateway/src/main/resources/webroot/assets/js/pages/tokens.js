// Own API tokens: list (GET /api/token/?p=), search, create (POST), edit (PUT), enable/disable
// (PUT ?status_only=1), delete; copy the key and a ready-to-paste OPENAI_BASE_URL / CHAT_API_KEY snippet.
import { h, mount, toast, copyText } from '../dom.js';
import { get, post, put, del, qs } from '../api.js';
import { t } from '../i18n.js';
import { table, pager, badge, page, field, formMessage, modal, checkbox } from '../ui.js';
import { quota, quotaHint, time, toLocalInput, fromLocalInput } from '../format.js';
import { status } from '../state.js';

/** Base URL clients should use: the ServerAddress option when set, else this page's origin. */
export function baseUrl() {
  const addr = (status.get().server_address || '').replace(/\/+$/, '');
  return (addr || location.origin) + '/v1';
}

export function snippet(key) {
  return `OPENAI_BASE_URL=${baseUrl()}\nCHAT_API_KEY=sk-${key}`;
}

export async function render(root, params, query) {
  let p = Number(query.get('p') || 0);
  let keyword = '';
  const msg = formMessage();
  const body = h('div');
  const search = h('input', { type: 'search', placeholder: t('tok.searchPh'), 'aria-label': t('common.search') });
  mount(root, page(t('tok.title'), [
    h('form.inline', { onsubmit: (e) => { e.preventDefault(); keyword = search.value.trim(); p = 0; load(); } },
      search, h('button.secondary', { type: 'submit' }, t('common.search'))),
    h('button.primary', { type: 'button', 'data-testid': 'add-token', onclick: () => edit(null) }, t('tok.add')),
  ], msg, body));
  await load();

  async function load() {
    const r = keyword ? await get('/api/token/search' + qs({ keyword })) : await get('/api/token/' + qs({ p }));
    if (!r.success) { msg.show(r.message); mount(body); return; }
    msg.show('');
    const rows = r.data || [];
    mount(body, table([
      [t('common.name'), (tk) => tk.name],
      [t('common.status'), (tk) => badge('token', tk.status)],
      [t('tok.key'), (tk) => keyCell(tk.key)],
      [t('tok.remain'), (tk) => tk.unlimited_quota ? t('common.unlimited') : quota(tk.remain_quota)],
      [t('tok.used'), (tk) => quota(tk.used_quota)],
      [t('common.created'), (tk) => time(tk.created_time)],
      [t('tok.expires'), (tk) => tk.expired_time === -1 ? t('common.never') : time(tk.expired_time)],
      [t('common.actions'), (tk) => h('div.actions',
        h('button.small', { type: 'button', onclick: () => copy(snippet(tk.key)) }, t('tok.snippet')),
        tk.status === 1
          ? h('button.small.secondary', { type: 'button', onclick: () => setStatus(tk, 2) }, t('common.disable'))
          : h('button.small.secondary', { type: 'button', onclick: () => setStatus(tk, 1) }, t('common.enable')),
        h('button.small.secondary', { type: 'button', onclick: () => edit(tk) }, t('common.edit')),
        h('button.small.danger', { type: 'button', onclick: () => remove(tk) }, t('common.delete')))],
    ], rows, { 'data-testid': 'token-table' }), keyword ? null : pager(p, rows.length, (n) => { p = n; load(); }));
  }

  function keyCell(key) {
    const full = 'sk-' + key;
    const shown = h('code.secret', full.slice(0, 7) + '…' + full.slice(-4));
    let open = false;
    return h('span.key-cell', shown,
      h('button.small.secondary', { type: 'button', onclick: (e) => {
        open = !open; shown.textContent = open ? full : full.slice(0, 7) + '…' + full.slice(-4);
        e.target.textContent = open ? t('tok.hide') : t('tok.show');
      } }, t('tok.show')),
      h('button.small.secondary', { type: 'button', onclick: () => copy(full) }, t('common.copy')));
  }

  async function copy(text) {
    toast((await copyText(text)) ? t('common.copied') : t('common.copyFailed'), 'ok');
  }

  async function setStatus(tk, s) {
    const r = await put('/api/token/?status_only=1', { id: tk.id, status: s });
    if (!r.success) toast(r.message, 'error');
    load();
  }

  async function remove(tk) {
    if (!confirm(t('common.confirmDelete', { name: tk.name }))) return;
    const r = await del('/api/token/' + tk.id);
    if (!r.success) toast(r.message, 'error');
    load();
  }

  function edit(tk) {
    const isNew = !tk;
    tk = tk || { name: '', remain_quota: 500000, unlimited_quota: false, expired_time: -1, models: '', subnet: '' };
    const name = h('input', { name: 'name', value: tk.name, maxlength: 30, required: true, 'data-testid': 'token-name' });
    const unlimited = checkbox(t('tok.unlimited'), tk.unlimited_quota, { name: 'unlimited_quota', 'data-testid': 'token-unlimited' });
    const q = h('input', { name: 'remain_quota', type: 'number', min: 0, value: tk.remain_quota });
    const qField = field(t('tok.quota'), q, quotaHint(tk.remain_quota));
    q.addEventListener('input', () => qField.hint(quotaHint(q.value)));
    const syncQuota = () => { q.disabled = unlimited.input.checked; };
    unlimited.input.addEventListener('change', syncQuota);
    syncQuota();
    const expiry = h('input', { name: 'expired_time', type: 'datetime-local', value: toLocalInput(tk.expired_time) });
    const models = h('input', { name: 'models', value: tk.models || '' });
    const subnet = h('input', { name: 'subnet', value: tk.subnet || '', placeholder: '10.0.0.0/8, 192.168.1.0/24' });
    const form = formMessage();
    const box = modal(isNew ? t('tok.addTitle') : t('tok.editTitle', { id: tk.id }),
      h('form.form-grid', { onsubmit: save, 'data-testid': 'token-form' },
        field(t('common.name'), name), unlimited, qField, field(t('tok.expiry'), expiry),
        field(t('tok.models'), models), field(t('tok.subnet'), subnet),
        h('div.form-actions', h('button.primary', { type: 'submit', 'data-testid': 'token-submit' }, isNew ? t('common.create') : t('common.save')), form)));
    name.focus();

    async function save(e) {
      e.preventDefault();
      const bodyJson = {
        name: name.value.trim(), unlimited_quota: unlimited.input.checked, remain_quota: Number(q.value || 0),
        expired_time: fromLocalInput(expiry.value, -1),
        models: models.value.split(',').map((s) => s.trim()).filter(Boolean).join(','),
        subnet: subnet.value.split(',').map((s) => s.trim()).filter(Boolean).join(','),
      };
      const r = isNew ? await post('/api/token/', bodyJson) : await put('/api/token/', { ...bodyJson, id: tk.id });
      if (!r.success) { form.show(r.message); return; }
      box.close();
      if (isNew) {
        let created = r.data && r.data.key ? r.data : null;
        if (!created) {
          const list = await get('/api/token/' + qs({ p: 0 }));
          created = (list.data || []).find((x) => x.name === bodyJson.name) || null;
        }
        if (created) showKey(created.key);
      } else toast(t('common.done'));
      load();
    }
  }

  function showKey(key) {
    const full = 'sk-' + key;
    const text = snippet(key);
    modal(t('tok.created'), h('div.new-key',
      h('div.row', h('code.secret.big', { 'data-testid': 'new-token-key' }, full),
        h('button.small', { type: 'button', onclick: () => copy(full) }, t('common.copy'))),
      h('p.hint', t('tok.snippetHint')),
      h('pre.snippet', { 'data-testid': 'token-snippet' }, text),
      h('button.small', { type: 'button', onclick: () => copy(text) }, t('common.copy'))));
  }
}
