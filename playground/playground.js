// @ts-check
// The playground page (README, "Playground"). Plain JavaScript, typed with JSDoc and checked by
// `npm run typecheck` (playground/tsconfig.json). Everything it shows comes from this Worker:
// the forms from /_bos/actions.json, validation from /_bos/validate, the result from the URL itself.

/**
 * @typedef {{ key: string, type: 'int' | 'enum' | 'color' | 'base64' | 'name', required: boolean,
 *   min?: number, max?: number, default?: number | string, values?: string[],
 *   aliases?: Record<string, string>, maxLength?: number }} Param
 * @typedef {{ name: string, stage: string, bareKey?: string, params: Param[] }} Action
 * @typedef {{ maxActions: number, actions: Action[], unsupported: string[] }} ActionsDocument
 * @typedef {{ bucket: string, keys: string[], truncated: boolean,
 *   styles: { name: string, command: string }[],
 *   presign: { accessKeyId: string, expiresInSeconds: number } | null }} BucketDocument
 * @typedef {{ code: string, message: string, requestId?: string }} ErrorBody
 * @typedef {{ action: Action, fields: Map<string, HTMLInputElement | HTMLSelectElement>,
 *   root: HTMLLIElement, error: HTMLElement, timer?: number }} Step
 */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing`);
  return element;
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function make(tag, attributes = {}, text) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

const ui = {
  key: byId('key', HTMLInputElement),
  keys: byId('keys', HTMLDataListElement),
  samples: byId('samples', HTMLDivElement),
  actionsMode: byId('actions-mode', HTMLDivElement),
  styleMode: byId('style-mode', HTMLDivElement),
  v1Mode: byId('v1-mode', HTMLDivElement),
  chain: byId('chain', HTMLOListElement),
  addAction: byId('add-action', HTMLSelectElement),
  add: byId('add', HTMLButtonElement),
  style: byId('style', HTMLInputElement),
  styles: byId('styles', HTMLDataListElement),
  styleAt: byId('style-at', HTMLInputElement),
  styleNote: byId('style-note', HTMLParagraphElement),
  v1: byId('v1', HTMLInputElement),
  v1Note: byId('v1-note', HTMLParagraphElement),
  url: byId('url', HTMLInputElement),
  copyUrl: byId('copy-url', HTMLButtonElement),
  presign: byId('presign', HTMLDivElement),
  signed: byId('signed', HTMLInputElement),
  signedNote: byId('signed-note', HTMLElement),
  copySigned: byId('copy-signed', HTMLButtonElement),
  copyStatus: byId('copy-status', HTMLParagraphElement),
  originalImage: byId('original-image', HTMLImageElement),
  originalCaption: byId('original-caption', HTMLElement),
  info: byId('info', HTMLPreElement),
  infoDetails: byId('info-details', HTMLDetailsElement),
  result: byId('result', HTMLElement),
  resultError: byId('result-error', HTMLParagraphElement),
  resultFigure: byId('result-figure', HTMLElement),
  resultImage: byId('result-image', HTMLImageElement),
  resultCaption: byId('result-caption', HTMLElement),
  resultJson: byId('result-json', HTMLPreElement),
  headers: byId('headers', HTMLDListElement),
  timing: byId('timing', HTMLOListElement),
};

/** @type {Step[]} */
const steps = [];
/** @type {Map<string, Action>} */
const actions = new Map();
let nextId = 0;

/** @param {string} path */
async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  return { ok: response.ok, body: /** @type {unknown} */ (await response.json()) };
}

/** @param {unknown} body @returns {string} */
function errorText(body) {
  const error = /** @type {Partial<ErrorBody>} */ (body ?? {});
  return `${error.code ?? 'Error'}: ${error.message ?? ''}`;
}

/** Url-safe base64 of UTF-8 text, unpadded (PROTOCOL.md §1.3). @param {string} text */
function base64Url(text) {
  const binary = Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte));
  return btoa(binary.join('')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Percent-encodes what a URL needs, keeping `/` and `,` readable. @param {string} text */
const encodeCommand = (text) => encodeURIComponent(text).replace(/%2F/g, '/').replace(/%2C/g, ',');
/** @param {string} key */
const encodeKey = (key) => key.split('/').map(encodeURIComponent).join('/');

/** @param {number} bytes */
const formatBytes = (bytes) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1048576).toFixed(2)} MiB`;

/** @param {Param} param */
function hintOf(param) {
  const parts = [];
  if (param.type === 'int') parts.push(`${param.min}–${param.max}`);
  if (param.type === 'color') parts.push('RRGGBB[AA]');
  if (param.type === 'base64') parts.push('text, sent as base64');
  if (param.type === 'name') parts.push('bucket name');
  if (param.default !== undefined) parts.push(`default ${param.default}`);
  if (param.required) parts.push('required');
  return parts.join(', ');
}

/** The `name,k_v,…` segment of a step; empty fields are left out. @param {Step} step */
function segmentOf(step) {
  const tokens = [step.action.name];
  for (const param of step.action.params) {
    const value = step.fields.get(param.key)?.value.trim() ?? '';
    if (value === '') continue;
    tokens.push(`${param.key}_${param.type === 'base64' ? base64Url(value) : value}`);
  }
  return tokens.join(',');
}

/** The mode chosen in the radio group. */
function mode() {
  const checked = document.querySelector('input[name="mode"]:checked');
  return checked instanceof HTMLInputElement ? checked.value : 'actions';
}

/** The path and query of the URL the page composes, in the chosen form. */
function currentPath() {
  const path = `/${encodeKey(ui.key.value.trim())}`;
  switch (mode()) {
    case 'style': {
      const name = encodeCommand(ui.style.value.trim());
      if (name === '') return path;
      return ui.styleAt.checked ? `${path}@!${name}` : `${path}?x-bce-process=style/${name}`;
    }
    case 'v1': {
      const text = ui.v1.value.trim();
      return text === '' ? path : `${path}@${encodeCommand(text)}`;
    }
    default: {
      if (steps.length === 0) return path;
      return `${path}?x-bce-process=${encodeCommand(`image/${steps.map(segmentOf).join('/')}`)}`;
    }
  }
}

// ---- the chain of actions ----

/** @param {Action} action */
function addStep(action) {
  const id = nextId++;
  const root = make('li');
  const fieldset = make('fieldset');
  fieldset.append(make('legend', {}, action.name));
  const tools = make('div', { class: 'step-tools' });
  /** @type {Array<[string, string, (button: HTMLButtonElement) => void]>} */
  const buttons = [
    ['↑', `Move ${action.name} up`, (button) => moveStep(step, -1, button)],
    ['↓', `Move ${action.name} down`, (button) => moveStep(step, 1, button)],
    ['✕', `Remove ${action.name}`, () => removeStep(step)],
  ];
  for (const [text, label, onClick] of buttons) {
    const button = make('button', { type: 'button', class: 'quiet', 'aria-label': label }, text);
    button.addEventListener('click', () => onClick(button));
    tools.append(button);
  }
  fieldset.append(tools);
  const params = make('div', { class: 'params' });
  /** @type {Step['fields']} */
  const fields = new Map();
  for (const param of action.params) {
    const fieldId = `s${id}-${param.key}`;
    const wrapper = make('div', { class: 'param' });
    wrapper.append(make('label', { for: fieldId }, param.key));
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let field;
    if (param.type === 'enum') {
      field = make('select', { id: fieldId });
      // Empty sends nothing: the Worker's default applies.
      field.append(
        make('option', { value: '' }, param.default === undefined ? '—' : `(${param.default})`),
      );
      for (const value of param.values ?? []) field.append(make('option', { value }, value));
    } else {
      field = make('input', { id: fieldId, spellcheck: 'false' });
      if (param.type === 'int') field.setAttribute('inputmode', 'numeric');
      if (param.default !== undefined) field.setAttribute('placeholder', String(param.default));
    }
    const hint = hintOf(param);
    if (hint !== '') {
      field.setAttribute('aria-describedby', `${fieldId}-hint`);
      wrapper.append(field, make('small', { id: `${fieldId}-hint` }, hint));
    } else {
      wrapper.append(field);
    }
    if (param.required) field.setAttribute('aria-required', 'true');
    fields.set(param.key, field);
    params.append(wrapper);
  }
  if (action.params.length === 0) params.append(make('small', {}, 'No parameters.'));
  const error = make('p', { class: 'error', role: 'status' });
  fieldset.append(params, error);
  root.append(fieldset);
  /** @type {Step} */
  const step = { action, fields, root, error };
  fieldset.addEventListener('input', () => {
    validateStep(step);
    schedule();
  });
  steps.push(step);
  ui.chain.append(root);
  validateStep(step);
  schedule();
  const first = fields.values().next();
  if (!first.done) first.value.focus();
}

/**
 * Moves a step up or down the chain; the pressed button keeps the focus.
 * @param {Step} step @param {number} by @param {HTMLButtonElement} button
 */
function moveStep(step, by, button) {
  const from = steps.indexOf(step);
  const to = from + by;
  if (to < 0 || to >= steps.length) return;
  steps.splice(from, 1);
  steps.splice(to, 0, step);
  for (const each of steps) ui.chain.append(each.root);
  button.focus();
  schedule();
}

/** @param {Step} step */
function removeStep(step) {
  steps.splice(steps.indexOf(step), 1);
  step.root.remove();
  ui.addAction.focus();
  schedule();
}

/** Asks the Worker about one action alone and shows its answer under the form. @param {Step} step */
function validateStep(step) {
  window.clearTimeout(step.timer);
  step.timer = window.setTimeout(async () => {
    const segment = segmentOf(step);
    const { ok, body } = await getJson(
      `/_bos/validate?x-bce-process=${encodeURIComponent(`image/${segment}`)}`,
    );
    if (segmentOf(step) !== segment) return;
    step.error.textContent = ok ? '' : errorText(body);
    const named = ok ? undefined : /parameter:? (\S+)/.exec(step.error.textContent)?.[1];
    for (const [key, field] of step.fields) {
      if (key === named) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
    }
  }, 200);
}

/**
 * Shows under a field the V2 command it stands for, or why the Worker refuses it.
 * @param {HTMLElement} note @param {string} text @param {string} query
 */
async function describe(note, text, query) {
  if (text === '') {
    note.textContent = '';
    return;
  }
  const { ok, body } = await getJson(`/_bos/validate?${query}=${encodeURIComponent(text)}`);
  note.textContent = ok
    ? `= ${/** @type {{ command: string }} */ (body).command}`
    : errorText(body);
}

/** The notes of the style and V1 forms. */
function describeCommand() {
  const style = ui.style.value.trim();
  if (mode() === 'style') void describe(ui.styleNote, style && `style/${style}`, 'x-bce-process');
  if (mode() === 'v1') void describe(ui.v1Note, ui.v1.value.trim(), 'v1');
}

// ---- the original and the result ----

let originalKey = '';

async function showOriginal() {
  const key = ui.key.value.trim();
  if (key === originalKey) return;
  originalKey = key;
  for (const chip of ui.samples.querySelectorAll('button')) {
    chip.setAttribute('aria-pressed', String(chip.textContent === key));
  }
  if (key === '') return;
  ui.originalImage.src = `/${encodeKey(key)}`;
  const { ok, body } = await getJson(`/${encodeKey(key)}?x-bce-process=image/info`);
  if (key !== originalKey) return;
  ui.info.textContent = JSON.stringify(body, null, 2);
  if (!ok) {
    ui.originalCaption.textContent = errorText(body);
    return;
  }
  const info = /** @type {Record<string, { value: string }>} */ (body);
  const size = Number(info.imageSize?.value ?? 0);
  ui.originalCaption.textContent = `${info.format?.value} ${info.imageWidth?.value}×${info.imageHeight?.value}, ${formatBytes(size)}`;
}

/** @param {string} header */
function parseServerTiming(header) {
  /** @type {{ name: string, ms: number, desc: string }[]} */
  const entries = [];
  // Entries split at commas outside quotes: a description may hold one.
  for (const entry of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim());
    let ms = 0;
    let desc = '';
    for (const param of params) {
      const [key, value = ''] = param.split(/=(.*)/s);
      if (key === 'dur') ms = Number(value);
      if (key === 'desc') desc = value.replace(/^"|"$/g, '');
    }
    if (name !== '') entries.push({ name, ms, desc });
  }
  return entries;
}

/** @param {string} header */
function showTiming(header) {
  ui.timing.replaceChildren();
  const entries = parseServerTiming(header);
  if (entries.length === 0) {
    ui.timing.append(make('li', { class: 'none' }, 'No Server-Timing on this answer.'));
    return;
  }
  const longest = Math.max(...entries.map((entry) => entry.ms), 0.1);
  const total = entries.reduce((sum, entry) => sum + entry.ms, 0);
  for (const entry of [...entries, { name: 'total', ms: total, desc: '' }]) {
    const row = make('li', entry.name === 'total' ? { class: 'total' } : {});
    const track = make('span', { class: 'track', 'aria-hidden': 'true' });
    const fill = make('span', { class: 'fill' });
    fill.style.width = `${Math.min(100, (entry.ms / longest) * 100)}%`;
    if (entry.name !== 'total') track.append(fill);
    row.append(
      make('span', { class: 'stage' }, entry.name),
      track,
      make('span', { class: 'ms' }, `${entry.ms.toFixed(1)} ms`),
    );
    if (entry.desc !== '') row.append(make('span', { class: 'desc' }, entry.desc));
    ui.timing.append(row);
  }
}

/** @param {Array<[string, string]>} rows */
function showHeaders(rows) {
  ui.headers.replaceChildren();
  for (const [name, value] of rows) ui.headers.append(make('dt', {}, name), make('dd', {}, value));
}

/** What Chromium sends for an image. */
const IMAGE_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

/** @type {AbortController | undefined} */
let inFlight;
let resultUrl = '';

/** Requests the current URL and shows the answer: image or error, headers, timing. */
async function render() {
  const path = currentPath();
  ui.url.value = new URL(path, location.origin).href;
  describeCommand();
  if (ui.key.value.trim() === '') return;
  void presign(path);
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  ui.result.setAttribute('aria-busy', 'true');
  try {
    const started = performance.now();
    // The Accept of an <img>, so that `format,f_auto` answers what a page would get.
    const response = await fetch(path, {
      cache: 'no-store',
      signal: controller.signal,
      headers: { Accept: IMAGE_ACCEPT },
    });
    const body = await response.blob();
    const roundTrip = performance.now() - started;
    const type = response.headers.get('content-type') ?? '';
    const header = (/** @type {string} */ name) => response.headers.get(name) ?? '—';
    showHeaders([
      ['status', `${response.status} ${response.statusText}`],
      ['format', type],
      ['size', `${formatBytes(body.size)} (${body.size} bytes)`],
      ['x-bce-image-info', header('x-bce-image-info')],
      ['etag', header('etag')],
      [
        'cache status',
        response.headers.get('cf-cache-status') ?? 'no cache in front (none under wrangler dev)',
      ],
      ['cache-control', header('cache-control')],
      ['round trip', `${roundTrip.toFixed(1)} ms`],
    ]);
    showTiming(response.headers.get('server-timing') ?? '');
    URL.revokeObjectURL(resultUrl);
    resultUrl = '';
    ui.resultJson.hidden = true;
    ui.resultFigure.hidden = true;
    if (!response.ok) {
      ui.resultError.textContent = `${response.status} ${errorText(JSON.parse(await body.text()))}`;
      return;
    }
    ui.resultError.textContent = '';
    if (type.startsWith('image/')) {
      resultUrl = URL.createObjectURL(body);
      ui.resultImage.src = resultUrl;
      await ui.resultImage.decode();
      ui.resultFigure.hidden = false;
      ui.resultCaption.textContent = `${ui.resultImage.naturalWidth}×${ui.resultImage.naturalHeight} ${type.replace('image/', '')}, ${formatBytes(body.size)}`;
    } else {
      ui.resultJson.textContent = await body.text();
      ui.resultJson.hidden = false;
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    ui.resultError.textContent = `The page could not show the answer: ${String(error)}`;
  } finally {
    if (inFlight === controller) ui.result.setAttribute('aria-busy', 'false');
  }
}

/** @type {BucketDocument['presign']} */
let signing = null;

/** The same URL signed by the Worker (the secret never reaches the page). @param {string} path */
async function presign(path) {
  if (!signing) return;
  const { ok, body } = await getJson(`/_bos/presign?url=${encodeURIComponent(path)}`);
  if (path !== currentPath()) return;
  ui.signed.value = ok ? /** @type {{ url: string }} */ (body).url : errorText(body);
}

let timer = 0;
/** Renders shortly after the last change, so typing does not start a request per key. */
function schedule() {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    void showOriginal();
    void render();
  }, 300);
}

/** @param {HTMLInputElement} field @param {string} what */
async function copy(field, what) {
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  ui.copyStatus.textContent = `${what} copied.`;
}

// ---- start ----

async function start() {
  const [described, listed] = await Promise.all([
    getJson('/_bos/actions.json'),
    getJson('/_bos/bucket.json'),
  ]);
  const registry = /** @type {ActionsDocument} */ (described.body);
  const bucket = /** @type {BucketDocument} */ (listed.body);
  for (const action of registry.actions) {
    actions.set(action.name, action);
    ui.addAction.append(make('option', { value: action.name }, action.name));
  }
  for (const key of bucket.keys) {
    ui.keys.append(make('option', { value: key }));
    const chip = make('button', { type: 'button', 'aria-pressed': 'false' }, key);
    chip.addEventListener('click', () => {
      ui.key.value = key;
      schedule();
    });
    ui.samples.append(chip);
  }
  for (const style of bucket.styles)
    ui.styles.append(make('option', { value: style.name }, style.command));
  signing = bucket.presign;
  if (signing) {
    ui.presign.hidden = false;
    ui.signedNote.textContent = `Signed by the Worker with access key "${signing.accessKeyId}", valid ${signing.expiresInSeconds / 60} minutes.`;
  }
  ui.add.addEventListener('click', () => {
    const action = actions.get(ui.addAction.value);
    if (!action) return;
    if (steps.length >= registry.maxActions) {
      ui.copyStatus.textContent = `At most ${registry.maxActions} actions.`;
      return;
    }
    addStep(action);
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => {
      ui.actionsMode.hidden = mode() !== 'actions';
      ui.styleMode.hidden = mode() !== 'style';
      ui.v1Mode.hidden = mode() !== 'v1';
      schedule();
    });
  }
  for (const field of [ui.key, ui.style, ui.styleAt, ui.v1])
    field.addEventListener('input', schedule);
  byId('form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    schedule();
  });
  ui.copyUrl.addEventListener('click', () => void copy(ui.url, 'URL'));
  ui.copySigned.addEventListener('click', () => void copy(ui.signed, 'Presigned URL'));
  ui.originalImage.addEventListener('error', () => ui.originalImage.removeAttribute('src'));
  // On a phone the caption sums the document up; the whole of it is one tap away.
  ui.infoDetails.open = !matchMedia('(max-width: 959px)').matches;
  const initial = new URLSearchParams(location.search).get('key') ?? bucket.keys[0] ?? '';
  ui.key.value = initial;
  schedule();
  document.body.dataset['ready'] = 'true';
}

void start();
