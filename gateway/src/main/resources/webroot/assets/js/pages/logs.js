// Logs: admins read GET /api/log/ (all users), others GET /api/log/self/; the same filters go to the /stat
// route for the quota total. Paging is on the server (p, 10 per page). Error rows (type 6: a failed attempt or a
// refused request) show their HTTP status before the message.
import { h, mount } from '../dom.js';
import { get, qs } from '../api.js';
import { t } from '../i18n.js';
import { table, pager, page, field, formMessage } from '../ui.js';
import { quota, time, fromLocalInput, toLocalInput } from '../format.js';
import { isAdmin } from '../state.js';

export async function render(root, params, query) {
  const admin = isAdmin();
  let p = Number(query.get('p') || 0);
  const msg = formMessage();
  const total = h('p.total', { 'data-testid': 'log-total' });
  const body = h('div');
  const type = h('select', { name: 'type' }, [0, 1, 2, 3, 4, 5, 6].map((n) =>
    h('option', { value: n, selected: String(n) === (query.get('type') || '0') }, t('log.type.' + n))));
  const weekAgo = Math.floor(Date.now() / 1000) - 7 * 86400;
  const start = h('input', { name: 'start', type: 'datetime-local', value: query.get('start_timestamp') ? toLocalInput(Number(query.get('start_timestamp'))) : toLocalInput(weekAgo) });
  const end = h('input', { name: 'end', type: 'datetime-local', value: query.get('end_timestamp') ? toLocalInput(Number(query.get('end_timestamp'))) : '' });
  const model = h('input', { name: 'model_name', value: query.get('model_name') || '' });
  const token = h('input', { name: 'token_name', value: query.get('token_name') || '' });
  const username = h('input', { name: 'username', value: query.get('username') || '' });
  const channel = h('input', { name: 'channel', type: 'number', min: 0, value: query.get('channel') || '' });
  const filters = h('form.card.filters', { onsubmit: (e) => { e.preventDefault(); p = 0; load(); }, 'data-testid': 'log-filters' },
    field(t('log.type'), type), field(t('log.start'), start), field(t('log.end'), end),
    field(t('log.model'), model), field(t('log.token'), token),
    admin ? field(t('log.user'), username) : null, admin ? field(t('log.channel'), channel) : null,
    h('div.form-actions', h('button.primary', { type: 'submit' }, t('log.filter'))));
  mount(root, page(t('log.title'), null, filters, msg, total, body));
  await load();

  function filterParams() {
    const f = {
      type: type.value === '0' ? '' : type.value,
      start_timestamp: fromLocalInput(start.value, ''),
      end_timestamp: fromLocalInput(end.value, ''),
      model_name: model.value.trim(), token_name: token.value.trim(),
    };
    if (admin) { f.username = username.value.trim(); f.channel = channel.value; }
    return f;
  }

  async function load() {
    const f = filterParams();
    const base = admin ? '/api/log/' : '/api/log/self';
    const statBase = admin ? '/api/log/stat' : '/api/log/self/stat';
    const [r, stat] = await Promise.all([get(base + qs({ ...f, p })), get(statBase + qs(f))]);
    history.replaceState(null, '', '/log' + qs({ ...f, p: p || '' }));
    total.textContent = stat.success && stat.data ? t('log.total', { q: quota(stat.data.quota) }) : '';
    if (!r.success) { msg.show(r.message); mount(body); return; }
    msg.show('');
    const rows = r.data || [];
    mount(body, table([
      [t('log.time'), (l) => time(l.created_at)],
      admin ? [t('log.channel'), (l) => l.channel || '–'] : null,
      admin ? [t('log.user'), (l) => l.username || '–'] : null,
      [t('log.token'), (l) => l.token_name || '–'],
      [t('log.type'), (l) => h('span.badge.type-' + l.type, t('log.type.' + (l.type || 0)))],
      [t('log.model'), (l) => l.model_name || '–'],
      [t('log.prompt'), (l) => l.prompt_tokens || 0],
      [t('log.completion'), (l) => l.completion_tokens || 0],
      [t('log.quota'), (l) => quota(l.quota)],
      [t('log.elapsed'), (l) => (l.elapsed_time || 0) + (l.is_stream ? ' · ' + t('log.stream') : '')],
      [t('log.content'), (l) => h('span.content', l.type === 6 && l.http_status
        ? [h('span.badge.status', String(l.http_status)), ' ', l.content || ''] : l.content || '')],
    ].filter(Boolean), rows, { 'data-testid': 'log-table' }), pager(p, rows.length, (n) => { p = n; load(); }));
  }
}
