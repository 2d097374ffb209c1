// Tiny DOM helpers: h() builds elements, mount() replaces a node's children. No framework.

/** h('div.card#x', {onclick, class, ...attrs}, ...children): children may be strings, nodes, arrays or null. */
export function h(spec, props, ...children) {
  if (props == null || typeof props !== 'object' || props instanceof Node || Array.isArray(props)) {
    children.unshift(props);
    props = {};
  }
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
    }
  }
  // Forms leave validation to the console and the API, whose messages show next to the fields.
  if (el.tagName === 'FORM') el.noValidate = true;
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') String(v).split(/\s+/).filter(Boolean).forEach(c => el.classList.add(c));
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A value holder that re-runs subscribers on change: the console's only reactivity. */
export function signal(initial) {
  let value = initial;
  const subs = new Set();
  return {
    get: () => value,
    set(v) { value = v; subs.forEach(f => f(v)); },
    sub(f) { subs.add(f); return () => subs.delete(f); },
  };
}

/** Copies text to the clipboard, falling back to a hidden textarea where the Clipboard API is missing. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const ta = h('textarea', { style: 'position:fixed;left:-9999px' }, text);
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
    ta.remove();
    return ok;
  }
}

/** Shows a short message at the bottom of the screen. */
export function toast(message, kind = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) { box = h('div#toasts', { role: 'status', 'aria-live': 'polite' }); document.body.appendChild(box); }
  const t = h('div.toast.' + kind, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), kind === 'error' ? 6000 : 3000);
}

const scripts = new Map();

/** Loads a classic script once (e.g. a WebJar's minified bundle) and resolves when it has run. */
export function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.onload = () => resolve();
      el.onerror = () => { scripts.delete(src); reject(new Error('cannot load ' + src)); };
      document.head.appendChild(el);
    }));
  }
  return scripts.get(src);
}
