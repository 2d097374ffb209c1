// Boot, layout and client-side routing of the console.
import { h, mount } from './dom.js';
import { get, unauthorized } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { status, user, setUser, loadStatus, loadSelf, roleOf, ROLE_COMMON, ROLE_ADMIN, ROLE_ROOT } from './state.js';

/** path pattern → [page module, minimum role (0 = public)]. */
const ROUTES = [
  ['/login', 'login', 0],
  ['/register', 'register', 0],
  ['/dashboard', 'dashboard', ROLE_COMMON],
  ['/channel', 'channels', ROLE_ADMIN],
  ['/channel/add', 'channel-edit', ROLE_ADMIN],
  ['/channel/edit/:id', 'channel-edit', ROLE_ADMIN],
  ['/token', 'tokens', ROLE_COMMON],
  ['/log', 'logs', ROLE_COMMON],
  ['/user', 'users', ROLE_ADMIN],
  ['/redemption', 'redemptions', ROLE_ADMIN],
  ['/setting', 'settings', ROLE_ROOT],
  ['/topup', 'topup', ROLE_COMMON],
  ['/account', 'account', ROLE_COMMON],
];

/** Navigation entries: [path, label key, minimum role]. */
const NAV = [
  ['/dashboard', 'nav.dashboard', ROLE_COMMON],
  ['/channel', 'nav.channels', ROLE_ADMIN],
  ['/token', 'nav.tokens', ROLE_COMMON],
  ['/log', 'nav.logs', ROLE_COMMON],
  ['/user', 'nav.users', ROLE_ADMIN],
  ['/redemption', 'nav.redemptions', ROLE_ADMIN],
  ['/topup', 'nav.topup', ROLE_COMMON],
  ['/setting', 'nav.settings', ROLE_ROOT],
  ['/account', 'nav.account', ROLE_COMMON],
];

const app = document.getElementById('app');
let content;
let navEl;
let current = null;

function match(path) {
  for (const [pattern, mod, role] of ROUTES) {
    const names = [];
    const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '/?$');
    const m = re.exec(path);
    if (m) return { mod, role, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

/** Goes to path (pushing history unless replace) and renders its page. */
export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}
window.onegateNavigate = navigate;

async function render() {
  const path = location.pathname === '/' ? (user.get() ? '/dashboard' : '/login') : location.pathname;
  if (location.pathname === '/') history.replaceState(null, '', path + location.search);
  const route = match(path);
  renderNav(path);
  if (!route) { mount(content, h('section.page', h('h1', t('err.notFound')))); return; }
  if (route.role > 0 && !user.get()) { navigate('/login', true); return; }
  if ((route.mod === 'login' || route.mod === 'register') && user.get()) { navigate('/dashboard', true); return; }
  if (route.role > roleOf()) {
    mount(content, h('section.page', { 'data-testid': 'forbidden' }, h('h1', t('err.forbidden'))));
    return;
  }
  const token = current = {};
  mount(content, h('p.loading', t('common.loading')));
  const module = await import('./pages/' + route.mod + '.js');
  if (token !== current) return;
  const el = h('div.page-root', { 'data-page': route.mod });
  mount(content, el);
  await module.render(el, route.params, new URLSearchParams(location.search));
}

function renderNav(path) {
  const u = user.get();
  const s = status.get();
  const links = u ? NAV.filter(([, , role]) => roleOf() >= role) : [];
  const warn = u && u.role >= ROLE_ROOT && s.root_password_is_default && path !== '/account'
    ? h('div.banner.warn', { 'data-testid': 'default-password-banner' },
      t('pw.default'), ' ', h('a', { href: '/account', 'data-link': '' }, t('nav.account')))
    : null;
  const toggle = h('button.icon.menu-toggle', { type: 'button', 'aria-label': t('nav.menu'),
    onclick: () => navEl.classList.toggle('open') }, '☰');
  mount(navEl,
    h('div.bar',
      h('a.brand', { href: '/', 'data-link': '' }, h('img', { src: '/assets/favicon.svg', alt: '' }), s.system_name || 'OneGate'),
      u ? toggle : null,
      h('nav.links', links.map(([href, key]) =>
        h('a', { href, 'data-link': '', class: (path === href || path.startsWith(href + '/')) ? 'active' : '' }, t(key)))),
      h('div.side',
        h('button.link.lang', { type: 'button', 'data-testid': 'lang-switch',
          onclick: () => setLang(lang.get() === 'zh' ? 'en' : 'zh') }, t('nav.lang')),
        u ? h('span.who', u.display_name || u.username) : null,
        u ? h('button.link', { type: 'button', 'data-testid': 'logout', onclick: logout }, t('nav.logout')) : null)),
    warn);
}

async function logout() {
  await get('/api/user/logout');
  setUser(null);
  navigate('/login');
}

async function boot() {
  navEl = h('header.top');
  content = h('main.content');
  mount(app, navEl, content);
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-link]');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.target) return;
    e.preventDefault();
    navEl.classList.remove('open');
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', render);
  lang.sub(render);
  unauthorized.sub(() => {
    if (user.get()) { setUser(null); navigate('/login', true); }
  });
  await loadStatus();
  if (user.get()) await loadSelf();
  render();
}

boot();
