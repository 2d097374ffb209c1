// Quota, time and status formatting.
import { status } from './state.js';
import { t } from './i18n.js';

/** Quota as One API's UI shows it: "$" + quota / quota_per_unit when display_in_currency, else raw units. */
export function quota(q) {
  const n = Number(q || 0);
  const s = status.get();
  if (s.display_in_currency) {
    const per = Number(s.quota_per_unit) || 500000;
    const usd = n / per;
    // Six decimals (1 quota = $0.000002 at the default rate) so that a single request shows; large sums get two.
    const digits = Math.abs(usd) >= 1e6 ? 2 : 6;
    const fixed = usd.toFixed(digits);
    return '$' + (fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed);
  }
  return n.toLocaleString();
}

/** A hint next to a raw-unit quota input: "≈ $x" in currency mode. */
export function quotaHint(q) {
  const s = status.get();
  if (!s.display_in_currency || q === '' || q == null || isNaN(Number(q))) return '';
  return '≈ ' + quota(q);
}

export function time(unixSeconds) {
  if (!unixSeconds || unixSeconds <= 0) return '–';
  const d = new Date(unixSeconds * 1000);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Unix seconds → value of an <input type=datetime-local>. */
export function toLocalInput(unixSeconds) {
  if (!unixSeconds || unixSeconds <= 0) return '';
  const d = new Date(unixSeconds * 1000 - new Date(unixSeconds * 1000).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

/** <input type=datetime-local> value → Unix seconds (or fallback when empty). */
export function fromLocalInput(value, fallback) {
  if (!value) return fallback;
  const ms = new Date(value).getTime();
  return isNaN(ms) ? fallback : Math.floor(ms / 1000);
}

const CHANNEL_STATUS = { 1: 'status.enabled', 2: 'status.disabled', 3: 'status.autoDisabled' };
const TOKEN_STATUS = { 1: 'status.enabled', 2: 'status.disabled', 3: 'status.expired', 4: 'status.exhausted' };
const USER_STATUS = { 1: 'status.enabled', 2: 'status.disabled', 3: 'status.deleted' };
const REDEMPTION_STATUS = { 1: 'status.enabled', 2: 'status.disabled', 3: 'status.used' };
const TABLES = { channel: CHANNEL_STATUS, token: TOKEN_STATUS, user: USER_STATUS, redemption: REDEMPTION_STATUS };

/** [label, css class] of a status code of the given kind (channel, token, user, redemption). */
export function statusLabel(kind, code) {
  const key = TABLES[kind][code] || 'status.unknown';
  const cls = code === 1 ? 'ok' : (kind === 'redemption' && code === 3) ? 'muted' : 'bad';
  return [t(key), cls];
}

export function roleLabel(role) {
  return t('role.' + (role >= 100 ? 100 : role >= 10 ? 10 : role >= 1 ? 1 : 0));
}
