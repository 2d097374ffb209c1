// Registration: POST /api/user/register; email verification code via GET /api/verification when required.
import { h, mount } from '../dom.js';
import { get, post, qs } from '../api.js';
import { t } from '../i18n.js';
import { field, formMessage } from '../ui.js';
import { status } from '../state.js';

export async function render(root) {
  const s = status.get();
  if (s.register_enabled === false) {
    mount(root, h('div.center', h('div.card.narrow', h('h1', t('register.title')), h('p', t('register.closed')),
      h('a', { href: '/login', 'data-link': '' }, t('login.title')))));
    return;
  }
  const username = h('input', { name: 'username', autocomplete: 'username', maxlength: 12, required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 8, maxlength: 20, required: true });
  const password2 = h('input', { name: 'password2', type: 'password', autocomplete: 'new-password', required: true });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email' });
  const code = h('input', { name: 'verification_code' });
  const aff = h('input', { name: 'aff_code', value: new URLSearchParams(location.search).get('aff') || '' });
  const msg = formMessage();
  const pw2Field = field(t('register.password2'), password2);
  const emailMsg = formMessage();
  const verification = s.email_verification
    ? [field(t('register.email'), email),
      h('div.row', field(t('register.code'), code),
        h('button.secondary', { type: 'button', onclick: sendCode }, t('register.sendCode'))), emailMsg]
    : null;
  const form = h('form.card.narrow', { onsubmit: onSubmit, 'data-testid': 'register-form' },
    h('h1', t('register.title')),
    field(t('register.username'), username), field(t('register.password'), password), pw2Field,
    verification, field(t('register.aff'), aff),
    h('button.primary', { type: 'submit' }, t('register.submit')), msg,
    h('p.alt', t('register.haveAccount'), ' ', h('a', { href: '/login', 'data-link': '' }, t('login.title'))));
  mount(root, h('div.center', form));

  async function sendCode() {
    const r = await get('/api/verification' + qs({ email: email.value.trim() }));
    emailMsg.show(r.success ? t('register.codeSent') : r.message, r.success);
  }

  async function onSubmit(e) {
    e.preventDefault();
    pw2Field.clear();
    if (password.value !== password2.value) { pw2Field.error(t('register.mismatch')); return; }
    const body = { username: username.value.trim(), password: password.value, aff_code: aff.value.trim() || undefined };
    if (s.email_verification) { body.email = email.value.trim(); body.verification_code = code.value.trim(); }
    const r = await post('/api/user/register', body);
    if (!r.success) { msg.show(r.message); return; }
    msg.show(t('register.done'), true);
    setTimeout(() => window.onegateNavigate('/login'), 800);
  }
}
