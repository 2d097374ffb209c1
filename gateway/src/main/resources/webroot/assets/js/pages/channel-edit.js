// Channel editor (admin): POST /api/channel/ (one channel per key line) or PUT /api/channel/ (partial update).
// "Fill in base models" takes the chosen type's built-in models (chat and embedding) from GET /api/models.
// Models without a price (POST /api/channel/unpriced, after the mapping) are listed under the models; root sets a
// ratio or a per-call price right there (PUT /api/option/ ModelRatio or ModelPrice).
import { h, mount, toast } from '../dom.js';
import { get, post, put } from '../api.js';
import { t, lang } from '../i18n.js';
import { field, formMessage, page, validateJsonObject, checkbox } from '../ui.js';
import { isRoot } from '../state.js';
import { CHANNEL_TYPES, KEY_HINTS, BASE_URL_HINTS, BASE_URL_REQUIRED, CONFIG_FIELDS } from '../channel-types.js';

export async function render(root, params) {
  const editing = params.id != null;
  const [chRes, groupsRes, modelsRes] = await Promise.all([
    editing ? get('/api/channel/' + encodeURIComponent(params.id)) : Promise.resolve({ success: true, data: null }),
    get('/api/group/'),
    get('/api/models'),
  ]);
  const msg = formMessage();
  if (!chRes.success) { mount(root, page(t('ch.editTitle', { id: params.id }), null, msg)); msg.show(chRes.message); return; }
  const ch = chRes.data || { type: 1, name: '', models: '', group: 'default', priority: 0, weight: 0, base_url: '', model_mapping: '', system_prompt: '' };
  let config = {};
  try { config = ch.config ? JSON.parse(ch.config) : {}; } catch (e) { config = {}; }
  if (ch.type === 3 && !config.api_version && ch.other) config.api_version = ch.other;
  const builtIn = modelsRes.success && modelsRes.data && typeof modelsRes.data === 'object' ? modelsRes.data : {};
  const allGroups = groupsRes.success && Array.isArray(groupsRes.data) && groupsRes.data.length ? groupsRes.data : ['default'];
  let models = (ch.models || '').split(',').map((s) => s.trim()).filter(Boolean);
  const groups = new Set((ch.group || 'default').split(',').map((s) => s.trim()).filter(Boolean));

  const type = h('select', { name: 'type', 'data-testid': 'channel-type' },
    CHANNEL_TYPES.map(([id, name]) => h('option', { value: id, selected: id === ch.type }, name + ' (' + id + ')')));
  const name = h('input', { name: 'name', value: ch.name || '', required: true });
  // new-password, not off: browsers ignore autocomplete=off on password fields and would fill in the saved
  // console login, which saving would then store as the channel's key.
  const key = editing
    ? h('input', { name: 'key', type: 'password', autocomplete: 'new-password', placeholder: t('ch.keyKeep') })
    : h('textarea', { name: 'key', rows: 3, autocomplete: 'off', required: true, 'data-testid': 'channel-key' });
  const keyField = field(editing ? t('ch.key') : t('ch.keys'), key, '');
  const baseUrl = h('input', { name: 'base_url', value: ch.base_url || '', 'data-testid': 'channel-base-url' });
  const baseUrlField = field(t('ch.baseUrlOptional'), baseUrl);
  const configBox = h('div.config-fields');
  const configInputs = {};
  const groupBox = h('div.checks', allGroups.map((g) => {
    const c = checkbox(g, groups.has(g), { value: g });
    c.input.addEventListener('change', () => { if (c.input.checked) groups.add(g); else groups.delete(g); });
    return c;
  }));
  const chips = h('div.chips', { 'data-testid': 'channel-models' });
  const custom = h('input', { placeholder: t('ch.customModel'), 'aria-label': t('ch.customModel') });
  const modelsField = field(t('ch.models'), h('div.models-editor', chips,
    h('div.row',
      h('button.secondary', { type: 'button', 'data-testid': 'fill-models', onclick: fillModels }, t('ch.fillModels')),
      h('button.secondary', { type: 'button', onclick: () => { models = []; drawChips(); } }, t('ch.clearModels')),
      custom,
      h('button.secondary', { type: 'button', onclick: addCustom }, t('common.add')))));
  custom.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addCustom(); } });
  const unpricedBox = h('div.unpriced', { 'data-testid': 'unpriced-models', hidden: true });
  let priceTimer;
  let priceSeq = 0;
  const mapping = h('textarea.code', { name: 'model_mapping', rows: 4, placeholder: '{"gpt-3.5-turbo": "gpt-3.5-turbo-0125"}' },
    ch.model_mapping && ch.model_mapping !== '{}' ? pretty(ch.model_mapping) : '');
  const mappingField = field(t('ch.mapping'), mapping);
  mapping.addEventListener('input', () => { checkMapping(); checkPrices(); });
  const systemPrompt = h('textarea', { name: 'system_prompt', rows: 2 }, ch.system_prompt || '');
  const priority = h('input', { name: 'priority', type: 'number', value: ch.priority ?? 0 });
  const weight = h('input', { name: 'weight', type: 'number', min: 0, value: ch.weight ?? 0 });
  const submit = h('button.primary', { type: 'submit', 'data-testid': 'channel-submit' }, editing ? t('common.save') : t('common.create'));

  mount(root, page(editing ? t('ch.editTitle', { id: ch.id }) : t('ch.addTitle'),
    h('a.button.secondary', { href: '/channel', 'data-link': '' }, t('common.back')),
    h('form.card.form-grid', { onsubmit: save, 'data-testid': 'channel-form' },
      field(t('ch.type'), type), field(t('common.name'), name), keyField, baseUrlField, configBox,
      field(t('ch.group'), groupBox), modelsField, unpricedBox, mappingField,
      field(t('ch.systemPrompt'), systemPrompt),
      h('div.row', field(t('ch.priority'), priority), field(t('ch.weight'), weight)),
      h('div.form-actions', submit, msg))));
  type.addEventListener('change', onType);
  onType();
  drawChips();

  function typeId() { return Number(type.value); }

  function onType() {
    checkPrices();
    const id = typeId();
    const hint = KEY_HINTS[id];
    keyField.hint(hint ? hint[lang.get() === 'zh' ? 1 : 0] : '');
    baseUrl.placeholder = BASE_URL_HINTS[id] || '';
    baseUrl.required = BASE_URL_REQUIRED.has(id);
    baseUrlField.querySelector('label').textContent = BASE_URL_REQUIRED.has(id) ? t('ch.baseUrl') : t('ch.baseUrlOptional');
    mount(configBox, (CONFIG_FIELDS[id] || []).map(([k, labelKey, def]) => {
      const input = k === 'vertex_ai_adc'
        ? h('textarea.code', { name: k, rows: 3 }, config[k] ?? def)
        : h('input', { name: k, value: config[k] ?? def });
      configInputs[k] = input;
      return field(t(labelKey), input);
    }));
  }

  function fillModels() {
    const list = builtIn[String(typeId())] || builtIn[typeId()] || [];
    if (!list.length && !modelsRes.success) { modelsField.error(modelsRes.message); return; }
    models = [...new Set([...models, ...list])];
    modelsField.clear();
    drawChips();
  }

  function addCustom() {
    const names = custom.value.split(',').map((s) => s.trim()).filter(Boolean);
    models = [...new Set([...models, ...names])];
    custom.value = '';
    drawChips();
  }

  function drawChips() {
    checkPrices();
    mount(chips, models.map((m) => h('span.chip', m,
      h('button.icon', { type: 'button', 'aria-label': 'remove ' + m, onclick: () => { models = models.filter((x) => x !== m); drawChips(); } }, '×'))));
  }

  function checkPrices() {
    clearTimeout(priceTimer);
    priceTimer = setTimeout(loadUnpriced, 200);
  }

  /** Lists the models the relay has no price for (under this type and mapping), with a price form for root. */
  async function loadUnpriced() {
    const seq = ++priceSeq;
    let mappingText = '';
    try { mappingText = mapping.value.trim() ? JSON.stringify(JSON.parse(mapping.value)) : ''; } catch (e) { mappingText = ''; }
    const r = models.length
      ? await post('/api/channel/unpriced', { type: typeId(), models: models.join(','), model_mapping: mappingText })
      : { success: true, data: { models: [] } };
    if (seq !== priceSeq) return; // a newer check is under way
    const list = r.success && r.data ? [...new Set(r.data.models.map((m) => m.upstream_model))] : [];
    unpricedBox.hidden = list.length === 0;
    mount(unpricedBox, list.length === 0 ? null : [
      h('h3', t('ch.unpricedTitle')),
      h('p.hint', { 'data-testid': 'unpriced-policy' }, r.data.self_use_mode ? t('ch.unpricedFree') : t('ch.unpricedRefused')),
      isRoot() ? null : h('p.hint', t('ch.unpricedRootOnly')),
      list.map(priceRow)]);
  }

  function priceRow(model) {
    const row = h('div.price-row', { 'data-model': model }, h('code', model));
    if (!isRoot()) return row;
    const kind = h('select', { 'aria-label': t('ch.priceKind'), 'data-testid': 'price-kind' },
      h('option', { value: 'ModelRatio' }, t('ch.priceRatio')), h('option', { value: 'ModelPrice' }, t('ch.pricePerCall')));
    const value = h('input', { type: 'number', min: 0, step: 'any', 'aria-label': t('ch.priceValue'), 'data-testid': 'price-value' });
    const error = h('span.field-error', { role: 'alert' });
    const button = h('button.secondary', { type: 'button', 'data-testid': 'set-price', onclick: save }, t('ch.setPrice'));
    value.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save(); } });
    mount(row, h('code', model), kind, value, button, error);
    return row;

    // The option holds the whole map (as One API): read it, add this model, write it back.
    async function save() {
      const v = Number(value.value);
      if (value.value.trim() === '' || !(v >= 0)) { error.textContent = t('set.number'); return; }
      error.textContent = '';
      button.disabled = true;
      const options = await get('/api/option/');
      let map = {};
      if (options.success && Array.isArray(options.data)) {
        const current = options.data.find((o) => o.key === kind.value);
        try { map = current && current.value ? JSON.parse(current.value) : {}; } catch (e) { map = {}; }
      }
      map[model] = v;
      const r = options.success ? await put('/api/option/', { key: kind.value, value: JSON.stringify(map) }) : options;
      button.disabled = false;
      if (!r.success) { error.textContent = r.message; return; }
      toast(t('ch.priceSet', { model }));
      loadUnpriced();
    }
  }

  function checkMapping() {
    const [ok, err] = validateJsonObject(mapping.value, (v) => typeof v === 'string');
    mappingField.error(ok ? '' : (err || t('ch.mappingBad')));
    return ok;
  }

  async function save(e) {
    e.preventDefault();
    msg.show('');
    if (!checkMapping()) return;
    if (!models.length && typeId() !== 43) { modelsField.error(t('ch.noModels')); return; }
    const cfg = {};
    for (const [k, input] of Object.entries(configInputs)) {
      if (!(CONFIG_FIELDS[typeId()] || []).some(([ck]) => ck === k)) continue;
      if (input.value.trim() !== '') cfg[k] = input.value.trim();
    }
    const body = {
      type: typeId(), name: name.value.trim(), base_url: baseUrl.value.trim(),
      models: models.join(','), group: [...groups].join(',') || 'default',
      model_mapping: mapping.value.trim() ? JSON.stringify(JSON.parse(mapping.value)) : '',
      system_prompt: systemPrompt.value, priority: Number(priority.value || 0), weight: Number(weight.value || 0),
      config: JSON.stringify(cfg),
    };
    if (cfg.api_version && (typeId() === 3 || typeId() === 18 || typeId() === 24)) body.other = cfg.api_version;
    if (key.value.trim()) body.key = key.value.trim();
    submit.disabled = true;
    const r = editing ? await put('/api/channel/', { ...body, id: ch.id }) : await post('/api/channel/', body);
    submit.disabled = false;
    if (!r.success) { msg.show(r.message); return; }
    const lines = editing ? 1 : key.value.split('\n').map((s) => s.trim()).filter(Boolean).length;
    toast(editing ? t('common.done') : t('ch.created', { n: lines }));
    window.onegateNavigate('/channel');
  }
}

function pretty(json) {
  try { return JSON.stringify(JSON.parse(json), null, 2); } catch (e) { return json; }
}
