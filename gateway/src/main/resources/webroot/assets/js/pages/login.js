// Login page: POST /api/user/login {username, password}; links to registration when /api/status allows it.
import { h, mount } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { field, formMessage } from '../ui.js';
import { status, setUser, loadSelf, loadStatus } from '../state.js';

export async function render(root) {
  const s = status.get();
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = formMessage();
  const submit = h('button.primary', { type: 'submit', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h('form.card.narrow', { onsubmit: onSubmit, 'data-testid': 'login-form' },
    h('h1', t('login.title')),
    s.password_login === false ? h('p.hint', t('login.disabled')) : null,
    field(t('login.username'), username),
    field(t('login.password'), password),
    submit, msg,
    s.register_enabled === false ? null
      : h('p.alt', t('login.noAccount'), ' ', h('a', { href: '/register', 'data-link': '' }, t('login.register'))));
  mount(root, h('div.center', form));
  username.focus();

  async function onSubmit(e) {
    e.preventDefault();
    msg.show('');
    submit.disabled = true;
    const r = await post('/api/user/login', { username: username.value.trim(), password: password.value });
    submit.disabled = false;
    if (!r.success) { msg.show(r.message || 'login failed'); return; }
    setUser(r.data);
    await Promise.all([loadSelf(), loadStatus()]);
    const target = r.data && r.data.role >= 100 && status.get().root_password_is_default ? '/account' : '/dashboard';
    window.onegateNavigate(target, true);
  }
}
