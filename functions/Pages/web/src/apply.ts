// /creators/apply: the creator listing application (POST /api/creators/apply). The form's field names
// are the API's; validation is the API's own (problem details), shown next to each field.

import { ApiError, el, fetchJson, showStatus } from './common';

const form = document.getElementById('apply-form') as HTMLFormElement;
const status = document.getElementById('status')!;
const result = document.getElementById('result')!;
const modelSelect = form.elements.namedItem('modelId') as HTMLSelectElement;
const mintRow = document.getElementById('mint-row')!;
const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;

interface CatalogModel {
  id: string;
  owned_by?: string;
  tokenized?: boolean;
}

async function loadModels(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('model');
  try {
    const list = await fetchJson<{ data?: CatalogModel[] }>('/api/models');
    const models = (list.data ?? []).slice().sort((a, b) => a.id.localeCompare(b.id));
    modelSelect.replaceChildren(
      el('option', { value: '' }, 'Choose a model…'),
      ...models.map((m) => {
        const option = el('option', { value: m.id }, m.tokenized ? `${m.id} (already listed)` : m.id);
        if (m.id === wanted) option.selected = true;
        return option;
      }),
    );
  } catch (e) {
    showStatus(status, 'error', `Could not load the model catalog (${e instanceof Error ? e.message : String(e)}). You can still type a model id.`);
    const input = el('input', { id: 'modelId', name: 'modelId', type: 'text', required: '', value: wanted ?? '' });
    modelSelect.replaceWith(input);
  }
}

function syncTrack(): void {
  const track = (form.elements.namedItem('track') as RadioNodeList).value;
  mintRow.hidden = track !== 'B';
}

function clearErrors(): void {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
}

/** Problem-details `errors` keys may be camelCase, PascalCase or JSON paths ($.modelId). */
function fieldFor(key: string): HTMLElement | null {
  const name = key.replace(/^\$\.?/, '').split('.')[0].toLowerCase();
  for (const element of Array.from(form.elements) as HTMLInputElement[]) {
    if (element.name && element.name.toLowerCase() === name) return element.closest('.field') as HTMLElement | null;
  }
  return null;
}

function markField(key: string, message: string): boolean {
  const field = fieldFor(key);
  if (!field) return false;
  field.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
  field.append(el('p', { class: 'field-error', 'data-field-error': key }, message));
  return true;
}

/**
 * Shows the API's validation errors next to their fields: problem details' `errors` is either a list
 * of messages that quote the field ('modelId' must be …) or a map from field to messages.
 */
function showErrors(body: unknown): number {
  const errors = body && typeof body === 'object' ? (body as { errors?: unknown }).errors : undefined;
  const general: string[] = [];
  let shown = 0;
  if (Array.isArray(errors)) {
    for (const message of errors.map(String)) {
      const quoted = [...message.matchAll(/'([A-Za-z][\w.]*)'/g)].map((m) => m[1]);
      if (quoted.some((key) => markField(key, message))) shown++;
      else general.push(message);
    }
  } else if (errors && typeof errors === 'object') {
    for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
      for (const message of Array.isArray(value) ? value.map(String) : [String(value)]) {
        if (markField(key, message)) shown++;
        else general.push(message);
      }
    }
  }
  if (general.length) result.append(el('ul', { class: 'field-error' }, ...general.map((m) => el('li', {}, m))));
  return shown + general.length;
}

function payload(): Record<string, unknown> {
  const data = new FormData(form);
  const body: Record<string, unknown> = {};
  for (const [key, value] of data.entries()) {
    const text = String(value).trim();
    if (key === 'mint' && data.get('track') !== 'B') continue;
    if (text === '') continue;
    body[key] = key === 'modelFeeBps' && /^-?\d+$/.test(text) ? Number(text) : text;
  }
  return body;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  result.replaceChildren();
  submit.disabled = true;
  showStatus(status, 'loading', 'Sending your application…');
  try {
    const created = await fetchJson<{ id?: string; applicationId?: string }>('/api/creators/apply', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload()),
    });
    const id = created?.id ?? created?.applicationId ?? '';
    showStatus(status, 'ok', 'Application received.');
    result.replaceChildren(
      el('p', { class: 'success', id: 'application-id', 'data-id': id }, `Your application id is ${id}. An admin reviews it; once approved, the model's x402 payments go to its vault.`),
    );
    form.reset();
    syncTrack();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      const count = showErrors(e.body);
      showStatus(status, 'error', count ? `Your application was not sent: please fix ${count === 1 ? 'the field' : 'the fields'} marked below.` : e.message);
    } else if (e instanceof ApiError && e.status === 429) {
      showStatus(status, 'error', 'Too many applications from your address. Please wait a little and try again.');
    } else if (e instanceof ApiError && e.status === 404) {
      showStatus(status, 'error', 'Applications are not open on this deployment yet.');
    } else {
      showStatus(status, 'error', `Your application was not sent: ${e instanceof Error ? e.message : String(e)}. Nothing was stored; try again.`);
    }
  } finally {
    submit.disabled = false;
  }
});

for (const radio of form.querySelectorAll('input[name="track"]')) radio.addEventListener('change', syncTrack);
syncTrack();
void loadModels();
