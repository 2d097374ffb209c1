// Own account: display name and password (PUT /api/user/self), system access token (GET /api/user/token).
import { h, mount, toast } from '../dom.js';
import { get, put } from '../api.js';
import { t } from '../i18n.js';
import { field, formMessage, page } from '../ui.js';
import { status, user, loadSelf, loadStatus } from '../state.js';
import { roleLabel, quota } from '../format.js';

export async function render(root) {
  const me = (await loadSelf()) || user.get();
  const displayName = h('input', { name: 'display_name', value: me.display_name || '', maxlength: 20 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 8, maxlength: 20 });
  const pwField = field(t('account.newPassword'), password);
  const msg = formMessage();
  const tokenOut = h('code.secret', { 'data-testid': 'access-token' });
  const tokenMsg = formMessage();
  mount(root, page(t('account.title'), null,
    status.get().root_password_is_default && me.role >= 100 ? h('div.banner.warn', t('pw.default')) : null,
    h('dl.facts',
      h('dt', t('user.username')), h('dd', me.username),
      h('dt', t('account.role')), h('dd', roleLabel(me.role)),
      h('dt', t('account.group')), h('dd', me.group || 'default'),
      h('dt', t('dash.balance')), h('dd', quota(me.quota))),
    h('form.card', { onsubmit: save, 'data-testid': 'account-form' },
      field(t('account.displayName'), displayName), pwField,
      h('button.primary', { type: 'submit' }, t('account.save')), msg),
    h('div.card',
      h('h2', t('account.accessToken')), h('p.hint', t('account.accessTokenHint')),
      h('button.secondary', { type: 'button', onclick: generate }, t('account.generate')), ' ', tokenOut, tokenMsg)));

  async function save(e) {
    e.preventDefault();
    pwField.clear();
    const body = { username: me.username, display_name: displayName.value.trim() };
    if (password.value) {
      if (password.value.length < 8 || password.value.length > 20) { pwField.error(t('register.password')); return; }
      body.password = password.value;
    }
    const r = await put('/api/user/self', body);
    if (!r.success) { msg.show(r.message); return; }
    msg.show(t('account.saved'), true);
    password.value = '';
    await Promise.all([loadSelf(), loadStatus()]);
    toast(t('account.saved'));
    if (body.password) window.onegateNavigate('/dashboard');
  }

  async function generate() {
    const r = await get('/api/user/token');
    if (!r.success) { tokenMsg.show(r.message); return; }
    tokenOut.textContent = r.data;
    tokenMsg.show('');
  }
}
