// /docs/x402: the live demo. The server's demo wallet pays a real x402 call (POST /api/x402/demo) and
// the page shows the answer, the USDC that moved, the payee and the transaction signature.

import { ApiError, config, el, explorerUrl, fetchJson, formatUsdc, link, showStatus } from './common';

interface DemoResult {
  model: string;
  answer: string;
  amountMicroUsdc: string;
  payTo: string;
  payeeTokenAccount: string;
  signature: string;
  network: string;
  payer: string;
  elapsedMs: number;
  servedBy?: string;
}

const cfg = config();
const form = document.getElementById('demo-form') as HTMLFormElement;
const select = form.elements.namedItem('model') as HTMLSelectElement;
const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
const status = document.getElementById('demo-status')!;
const result = document.getElementById('demo-result')!;

async function loadModels(): Promise<void> {
  try {
    const list = await fetchJson<{ data?: { id: string; tokenized?: boolean }[] }>('/api/models');
    const models = (list.data ?? []).filter((m) => m.tokenized).map((m) => m.id);
    if (models.length === 0) return;
    const preferred = models.find((m) => m.includes('gemma')) ?? models[0];
    select.replaceChildren(...models.map((id) => el('option', { value: id, ...(id === preferred ? { selected: '' } : {}) }, id)));
  } catch {
    // The default option (Gemma) stays; the demo call says what is wrong if anything is.
  }
}

function row(label: string, value: Node | string, field: string): HTMLElement {
  return el('div', { class: 'figure', 'data-field': field }, el('dt', {}, label), el('dd', {}, value));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  button.disabled = true;
  result.replaceChildren();
  showStatus(status, 'loading', 'Paying… the demo wallet signs a USDC transfer, the facilitator settles it on chain, the model answers.');
  try {
    const r = await fetchJson<DemoResult>('/api/x402/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ model: select.value }),
    });
    showStatus(status, 'ok', `Paid and answered in ${(r.elapsedMs / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 })} s.`);
    result.replaceChildren(
      el('blockquote', { id: 'demo-answer' }, r.answer),
      el(
        'dl',
        { class: 'figures wide' },
        row('Paid', `${formatUsdc(r.amountMicroUsdc)} USDC`, 'amount'),
        row('Payee (the model\u2019s vault)', link(explorerUrl('address', r.payTo, cfg), r.payTo, { 'data-pay-to': r.payTo }), 'payTo'),
        row('Transaction', link(explorerUrl('tx', r.signature, cfg), r.signature, { 'data-signature': r.signature, class: 'signature' }), 'signature'),
        row('Payer (the demo wallet)', r.payer, 'payer'),
        row('Model', r.servedBy ? `${r.model} (served by ${r.servedBy})` : r.model, 'model'),
      ),
    );
    result.dataset.amount = r.amountMicroUsdc;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) showStatus(status, 'error', 'The live demo is off on this deployment. The examples below work against any x402 client.');
    else if (e instanceof ApiError && e.status === 429) showStatus(status, 'error', `Demo limit reached: ${e.message}`);
    else showStatus(status, 'error', `The demo call failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    button.disabled = false;
  }
});

for (const node of document.querySelectorAll<HTMLElement>('[data-origin]')) node.textContent = node.textContent!.replaceAll('{origin}', location.origin);
void loadModels();
