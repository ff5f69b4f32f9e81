// The official OpenAI npm SDK, unmodified, listing and retrieving models on the running stack.
// Usage: node models-sdk.mjs <api base> <chain ready file> <api key>   (node:test; exit code = result)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = createRequire(path.join(here, '../../../tools/package.json'));
const { default: OpenAI, NotFoundError } = await import(tools.resolve('openai'));

const [api, chainFile, apiKey] = process.argv.slice(2);
const chain = JSON.parse(readFileSync(chainFile, 'utf8'));
const client = new OpenAI({ baseURL: `${api}/v1`, apiKey, maxRetries: 0 });

test('models.list() lists every model, the listed ones with their mint and vault', async () => {
  const models = [];
  for await (const model of client.models.list()) models.push(model);
  const ids = models.map((m) => m.id);
  assert.ok(ids.includes('deepseek-chat'), ids.join(','));
  for (const seeded of chain.models) {
    const model = models.find((m) => m.id === seeded.id);
    assert.ok(model, `${seeded.id} is listed`);
    assert.equal(model.object, 'model');
    assert.equal(model.tokenized, true);
    assert.equal(model.mint, seeded.mint);
    assert.equal(model.vault, seeded.vaultUsdcAccount);
  }
  const unlisted = models.find((m) => m.id === 'deepseek-chat');
  assert.equal(unlisted.tokenized, false);
  assert.equal(unlisted.mint, null);
  assert.equal(unlisted.vault, null);
});

test('models.retrieve() finds a model whose id holds a slash, and 404s an unknown one', async () => {
  const seeded = chain.models[0];
  const model = await client.models.retrieve(seeded.id);
  assert.equal(model.id, seeded.id);
  assert.equal(model.vault, seeded.vaultUsdcAccount);
  await assert.rejects(client.models.retrieve('no-such/model'), NotFoundError);
});
