// Top-up: redeem a code (POST /api/user/topup {key}); link to the TopUpLink shop when configured.
import { h, mount } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { field, formMessage, page } from '../ui.js';
import { quota } from '../format.js';
import { status, loadSelf } from '../state.js';

export async function render(root) {
  const me = await loadSelf();
  const balance = h('span', { 'data-testid': 'topup-balance' }, quota(me ? me.quota : 0));
  const key = h('input', { name: 'key', required: true, autocomplete: 'off', 'data-testid': 'topup-key' });
  const keyField = field(t('topup.code'), key);
  const msg = formMessage();
  const link = status.get().top_up_link;
  const shop = link && me
    ? h('a.button.secondary', { href: link + (link.includes('?') ? '&' : '?') + new URLSearchParams({
      username: me.username, user_id: me.id, transaction_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) }),
    target: '_blank', rel: 'noopener' }, t('topup.buy'))
    : null;
  mount(root, page(t('topup.title'), null,
    h('div.stats', h('div.stat', h('div.label', t('topup.balance')), h('div.value', balance))),
    h('form.card.narrow', { onsubmit: redeem, 'data-testid': 'topup-form' }, keyField,
      h('div.form-actions', h('button.primary', { type: 'submit' }, t('topup.redeem')), shop), msg)));

  async function redeem(e) {
    e.preventDefault();
    keyField.clear();
    const r = await post('/api/user/topup', { key: key.value.trim() });
    if (!r.success) { keyField.error(r.message); return; }
    msg.show(t('topup.done', { q: quota(r.data) }), true);
    key.value = '';
    const fresh = await loadSelf();
    balance.textContent = quota(fresh ? fresh.quota : 0);
  }
}
