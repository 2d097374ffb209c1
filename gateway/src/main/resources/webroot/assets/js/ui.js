// Shared widgets: form fields with error slots, paging, tables, badges, page frames.
import { h } from './dom.js';
import { t } from './i18n.js';
import { statusLabel } from './format.js';
import { PAGE_SIZE } from './api.js';

/**
 * A labelled form field. control is an input/select/textarea; returns the wrapper with .error() / .clear()
 * to show a message right under the field.
 */
export function field(label, control, hint) {
  const err = h('div.field-error', { role: 'alert' });
  const hintEl = hint != null ? h('div.hint', hint) : null;
  const id = control.id || ('f' + Math.random().toString(36).slice(2, 9));
  control.id = id;
  const wrap = h('div.field', h('label', { for: id }, label), control, hintEl, err);
  wrap.error = (msg) => { err.textContent = msg || ''; control.classList.toggle('invalid', !!msg); };
  wrap.clear = () => wrap.error('');
  wrap.hint = (text) => { if (hintEl) hintEl.textContent = text; };
  return wrap;
}

export function checkbox(label, checked, attrs = {}) {
  const input = h('input', { type: 'checkbox', checked, ...attrs });
  const wrap = h('label.check', input, ' ', label);
  wrap.input = input;
  return wrap;
}

/** The message line under a form, for the API's error (or success) message. */
export function formMessage() {
  const el = h('div.form-message', { role: 'alert', 'data-testid': 'form-message' });
  el.show = (msg, ok = false) => {
    el.textContent = msg || '';
    el.classList.toggle('ok', ok);
    el.classList.toggle('bad', !ok && !!msg);
  };
  return el;
}

export function badge(kind, code) {
  const [label, cls] = statusLabel(kind, code);
  return h('span.badge.' + cls, label);
}

/** Prev/next pager for One API's 0-based `p` pages of 10 items. */
export function pager(page, count, go) {
  return h('div.pager',
    h('button.secondary', { type: 'button', disabled: page <= 0, onclick: () => go(page - 1) }, t('common.prev')),
    h('span', t('common.page', { n: page + 1 })),
    h('button.secondary', { type: 'button', disabled: count < PAGE_SIZE, onclick: () => go(page + 1) }, t('common.next')));
}

/**
 * A table that becomes stacked cards at phone width: columns are [header, (row) => cell]. Each cell carries
 * its header in data-label for the narrow layout.
 */
export function table(columns, rows, attrs = {}) {
  if (!rows || rows.length === 0) return h('p.empty', t('common.none'));
  return h('div.table-wrap', h('table', attrs,
    h('thead', h('tr', columns.map(([head]) => h('th', head)))),
    h('tbody', rows.map((r) => h('tr', columns.map(([head, cell]) => h('td', { 'data-label': head }, cell(r))))))));
}

/** A page frame: title, optional toolbar, body. */
export function page(title, toolbar, ...body) {
  return h('section.page', h('div.page-head', h('h1', title), toolbar ? h('div.toolbar', toolbar) : null), ...body);
}

/** Validates a JSON object textarea; returns [ok, message]. check(value) may add a rule per entry. */
export function validateJsonObject(text, check) {
  if (text.trim() === '') return [true, ''];
  let obj;
  try { obj = JSON.parse(text); } catch (e) { return [false, t('common.invalidJson', { err: e.message })]; }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [false, null];
  if (check) for (const v of Object.values(obj)) if (!check(v)) return [false, null];
  return [true, ''];
}

export function modal(title, body, onClose) {
  const box = h('div.modal-backdrop', { onclick: (e) => { if (e.target === box) close(); } },
    h('div.modal', { role: 'dialog', 'aria-modal': 'true' },
      h('div.modal-head', h('h2', title), h('button.icon', { type: 'button', 'aria-label': 'close', onclick: () => close() }, '×')),
      body));
  function close() { box.remove(); if (onClose) onClose(); }
  document.body.appendChild(box);
  box.close = close;
  return box;
}
