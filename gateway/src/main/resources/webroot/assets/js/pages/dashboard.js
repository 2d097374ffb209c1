// Dashboard: balance, used quota and request count (GET /api/user/self), last 7 days of usage per day and per
// model (GET /api/user/dashboard) as charts.
import { h, mount, loadScript } from '../dom.js';
import { get } from '../api.js';
import { t, lang } from '../i18n.js';
import { page, formMessage } from '../ui.js';
import { quota } from '../format.js';
import { loadSelf } from '../state.js';

/** uPlot's minified bundle from its WebJar (version resolved by the server); defines window.uPlot. */
export const UPLOT_SRC = '/webjars/uplot/dist/uPlot.iife.min.js';

/** Accepts One API's Go field names (Day, ModelName, ...) and snake_case. */
function norm(row) {
  return {
    day: row.Day ?? row.day ?? '',
    model: row.ModelName ?? row.model_name ?? '',
    requests: Number(row.RequestCount ?? row.request_count ?? 0),
    quota: Number(row.Quota ?? row.quota ?? 0),
    tokens: Number(row.PromptTokens ?? row.prompt_tokens ?? 0) + Number(row.CompletionTokens ?? row.completion_tokens ?? 0),
  };
}

export async function render(root) {
  const msg = formMessage();
  const [me, dash] = await Promise.all([loadSelf(), get('/api/user/dashboard')]);
  if (!dash.success) msg.show(dash.message);
  const rows = (Array.isArray(dash.data) ? dash.data : []).map(norm);
  const cards = h('div.stats',
    stat(t('dash.balance'), quota(me ? me.quota : 0), 'balance', me ? me.quota : 0),
    stat(t('dash.used'), quota(me ? me.used_quota : 0), 'used-quota', me ? me.used_quota : 0),
    stat(t('dash.requests'), (me ? me.request_count || 0 : 0).toLocaleString(), 'request-count', me ? me.request_count : 0));
  const perDay = h('div.chart', { 'data-testid': 'chart-per-day' });
  const perModel = h('div.bars', { 'data-testid': 'chart-per-model' });
  mount(root, page(t('nav.dashboard'), null, msg, cards,
    h('div.card', h('h2', t('dash.perDay')), rows.length ? perDay : h('p.empty', t('dash.noUsage'))),
    h('div.card', h('h2', t('dash.perModel')), rows.length ? perModel : h('p.empty', t('dash.noUsage')))));
  if (!rows.length) return;
  try {
    await loadScript(UPLOT_SRC);
    drawPerDay(perDay, rows);
  } catch (e) {
    msg.show(e.message);
  }
  drawPerModel(perModel, rows);
}

function stat(label, value, id, raw) {
  return h('div.stat', h('div.label', label), h('div.value', { 'data-testid': id, 'data-raw': raw ?? 0 }, value));
}

function lastSevenDays() {
  const days = [];
  const now = new Date();
  for (let i = 6; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    days.push(d);
  }
  return days;
}

function dayKey(d) {
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function drawPerDay(el, rows) {
  const days = lastSevenDays();
  const byDay = new Map(days.map((d) => [dayKey(d), { q: 0, r: 0 }]));
  for (const r of rows) {
    const key = String(r.day).slice(0, 10);
    if (!byDay.has(key)) byDay.set(key, { q: 0, r: 0 });
    byDay.get(key).q += r.quota;
    byDay.get(key).r += r.requests;
  }
  const keys = [...byDay.keys()].sort();
  const xs = keys.map((k, i) => i);
  const width = Math.max(260, el.parentElement.clientWidth - 32);
  const uPlot = window.uPlot;
  const bars = uPlot.paths.bars({ size: [0.6, 60] });
  const opts = {
    width, height: 240,
    scales: { x: { time: false, range: () => [-0.5, keys.length - 0.5] }, q: {}, r: {} },
    series: [{ label: t('log.time'), value: (u, i) => i == null ? '–' : keys[i] },
      { label: t('dash.quota'), scale: 'q', stroke: '#2457c5', fill: 'rgba(36,87,197,0.25)', paths: bars,
        points: { show: false }, value: (u, v) => v == null ? '–' : quota(v) },
      { label: t('dash.requests'), scale: 'r', stroke: '#d9822b', width: 2, points: { size: 6 } }],
    axes: [{ splits: () => xs, values: (u, vals) => vals.map((i) => (keys[i] || '').slice(width < 500 ? 8 : 5)) },
      { scale: 'q', values: (u, vals) => vals.map((v) => quota(v)), size: 70 },
      { scale: 'r', side: 1, grid: { show: false } }],
    legend: { live: true },
  };
  el.replaceChildren();
  // eslint-disable-next-line no-new
  new uPlot(opts, [xs, keys.map((k) => byDay.get(k).q), keys.map((k) => byDay.get(k).r)], el);
}

function drawPerModel(el, rows) {
  const byModel = new Map();
  for (const r of rows) {
    const m = byModel.get(r.model) || { q: 0, r: 0, tokens: 0 };
    m.q += r.quota; m.r += r.requests; m.tokens += r.tokens;
    byModel.set(r.model, m);
  }
  const list = [...byModel.entries()].sort((a, b) => b[1].q - a[1].q || b[1].r - a[1].r);
  const max = Math.max(1, ...list.map(([, m]) => m.q));
  const maxReq = Math.max(1, ...list.map(([, m]) => m.r));
  mount(el, list.map(([model, m]) => h('div.bar-row',
    h('div.bar-label', model || '–'),
    h('div.bar-track', h('div.bar-fill', { style: `width:${Math.max(2, (max > 1 ? m.q / max : m.r / maxReq) * 100)}%` })),
    h('div.bar-value', `${quota(m.q)} · ${m.r} ${t('dash.requests').toLowerCase()} · ${m.tokens.toLocaleString()} ${t('dash.tokens')}`))));
  void lang;
}
