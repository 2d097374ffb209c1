// System settings (root): GET /api/option/ → [{key, value}], PUT /api/option/ {key, value} per changed key.
// Ratio JSON and numbers are validated before anything is sent; the API's message shows under the section.
import { h, mount, toast } from '../dom.js';
import { get, put } from '../api.js';
import { t, has } from '../i18n.js';
import { field, formMessage, page, checkbox, validateJsonObject } from '../ui.js';
import { loadStatus } from '../state.js';

/** Sections: [title key, [[option key, kind]]]; kinds: text, number, bool, json, secret, textarea. */
const SECTIONS = [
  ['set.general', [['SystemName', 'text'], ['ServerAddress', 'text'], ['TopUpLink', 'text'], ['ChatLink', 'text'],
    ['Logo', 'text'], ['Footer', 'textarea'], ['Notice', 'textarea']]],
  ['set.quota', [['DisplayInCurrencyEnabled', 'bool'], ['DisplayTokenStatEnabled', 'bool'], ['LogConsumeEnabled', 'bool'],
    ['ApproximateTokenEnabled', 'bool'], ['QuotaPerUnit', 'number'], ['QuotaForNewUser', 'number'], ['QuotaForInviter', 'number'],
    ['QuotaForInvitee', 'number'], ['QuotaRemindThreshold', 'number'], ['PreConsumedQuota', 'number'], ['RetryTimes', 'number']]],
  ['set.ratios', [['SelfUseModeEnabled', 'bool'], ['ModelRatio', 'json'], ['CompletionRatio', 'json'], ['GroupRatio', 'json'],
    ['ModelPrice', 'json']]],
  ['set.channels', [['AutomaticDisableChannelEnabled', 'bool'], ['AutomaticEnableChannelEnabled', 'bool'],
    ['ChannelDisableThreshold', 'number']]],
  ['set.login', [['PasswordLoginEnabled', 'bool'], ['PasswordRegisterEnabled', 'bool'], ['RegisterEnabled', 'bool'],
    ['EmailVerificationEnabled', 'bool'], ['EmailDomainRestrictionEnabled', 'bool'], ['EmailDomainWhitelist', 'text']]],
  ['set.smtp', [['SMTPServer', 'text'], ['SMTPPort', 'number'], ['SMTPAccount', 'text'], ['SMTPFrom', 'text'], ['SMTPToken', 'secret']]],
  ['set.webhook', [['WebhookUrl', 'text'], ['WebhookSecret', 'secret']]],
];

/** One API's defaults, shown when the API does not list a key. */
const DEFAULTS = { PasswordLoginEnabled: 'true', PasswordRegisterEnabled: 'true', RegisterEnabled: 'true',
  LogConsumeEnabled: 'true', DisplayInCurrencyEnabled: 'true', DisplayTokenStatEnabled: 'true', QuotaPerUnit: '500000',
  ChannelDisableThreshold: '5', PreConsumedQuota: '500', QuotaRemindThreshold: '1000', RetryTimes: '0' };

const nonNegative = (v) => typeof v === 'number' && isFinite(v) && v >= 0;
/** ModelPrice entries: USD per call, or {input, output, per_call, per_second, per_million_characters}. */
const priceEntry = (v) => nonNegative(v) || (v !== null && typeof v === 'object' && !Array.isArray(v)
  && Object.keys(v).length > 0 && Object.values(v).every(nonNegative));

export async function render(root) {
  const r = await get('/api/option/');
  const msg = formMessage();
  const options = { ...DEFAULTS };
  if (r.success && Array.isArray(r.data)) for (const o of r.data) options[o.key] = o.value;
  else if (r.success && r.data && typeof r.data === 'object') Object.assign(options, r.data);
  if (!r.success) msg.show(r.message);
  const nav = h('nav.section-nav', SECTIONS.map(([title], i) => h('a', { href: '#sec-' + i }, t(title))));
  nav.addEventListener('click', (e) => {
    const a = e.target.closest('a');
    if (!a) return;
    e.preventDefault();
    document.querySelector(a.getAttribute('href')).scrollIntoView({ behavior: 'smooth' });
  });
  mount(root, page(t('set.title'), null, msg, nav, SECTIONS.map(([title, keys], i) => section(i, title, keys, options))));
}

function section(index, title, keys, options) {
  const msg = formMessage();
  const controls = keys.map(([key, kind]) => control(key, kind, options[key]));
  const form = h('form.card.form-grid', { id: 'sec-' + index, 'data-section': title, onsubmit: save },
    h('h2', t(title)), controls.map((c) => c.el),
    h('div.form-actions', h('button.primary', { type: 'submit' }, t('set.saveSection')), msg));
  return form;

  async function save(e) {
    e.preventDefault();
    msg.show('');
    let valid = true;
    for (const c of controls) valid = c.validate() && valid;
    if (!valid) return;
    const changed = controls.filter((c) => c.changed());
    for (const c of changed) {
      const r = await put('/api/option/', { key: c.key, value: c.value() });
      if (!r.success) { c.error(r.message); msg.show(c.key + ': ' + r.message); return; }
      c.commit();
    }
    msg.show(t('set.saved'), true);
    toast(t('set.saved'));
    loadStatus();
  }
}

function control(key, kind, stored) {
  let original = stored ?? '';
  if (kind === 'bool') {
    const c = checkbox(key, String(original) === 'true', { name: key, 'data-option': key });
    return {
      key, el: h('div.field', c, has('opt.' + key) ? h('div.hint', t('opt.' + key)) : null),
      value: () => String(c.input.checked), changed: () => String(c.input.checked) !== String(original === '' ? 'false' : original),
      validate: () => true, error: () => {}, commit() { original = String(c.input.checked); },
    };
  }
  let input;
  if (kind === 'json') input = h('textarea.code', { name: key, rows: 8, 'data-option': key }, pretty(original));
  else if (kind === 'textarea') input = h('textarea', { name: key, rows: 3, 'data-option': key }, original);
  // new-password: a browser-filled login password would otherwise count as a changed secret and be saved.
  else if (kind === 'secret') input = h('input', { name: key, type: 'password', autocomplete: 'new-password', 'data-option': key });
  else input = h('input', { name: key, type: kind === 'number' ? 'number' : 'text', step: 'any', value: original, 'data-option': key });
  const hint = [has('opt.' + key) ? t('opt.' + key) : '', kind === 'secret' ? t('set.secretHint') : ''].filter(Boolean).join(' ');
  const f = field(key, input, hint || null);
  const value = () => kind === 'json' && input.value.trim() ? JSON.stringify(JSON.parse(input.value)) : input.value.trim();
  const validate = () => {
    f.clear();
    if (kind === 'json') {
      const [ok, err] = validateJsonObject(input.value, key === 'ModelPrice' ? priceEntry : nonNegative);
      if (!ok) { f.error(err || t('set.jsonObject')); return false; }
    }
    if (kind === 'number' && input.value.trim() !== '' && !(Number(input.value) >= 0)) { f.error(t('set.number')); return false; }
    return true;
  };
  if (kind === 'json') input.addEventListener('input', validate);
  return {
    key, el: f, value, validate, error: (m) => f.error(m),
    changed: () => kind === 'secret' ? input.value.trim() !== ''
      : kind === 'json' ? normJson(input.value) !== normJson(original) : input.value.trim() !== String(original).trim(),
    commit() { original = kind === 'secret' ? '' : value(); if (kind === 'secret') input.value = ''; },
  };
}

function pretty(json) {
  if (!json) return '';
  try { return JSON.stringify(JSON.parse(json), null, 2); } catch (e) { return json; }
}

function normJson(text) {
  try { return JSON.stringify(JSON.parse(text)); } catch (e) { return text; }
}
