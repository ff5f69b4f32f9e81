#!/usr/bin/env node
// Test helper: makes the payment header a real client would send for a 402, and prints it.
//   v2: node pay.mjs --rpc <url> --keypair <JSON array> --payment-required <PAYMENT-REQUIRED header>   → PAYMENT-SIGNATURE
//   v1: node pay.mjs --rpc <url> --keypair <JSON array> --body <402 JSON body>                          → X-PAYMENT
// Uses @x402/core + @x402/svm 2.27 (v2) and x402 1.2.0 (v1), exactly as @x402/fetch and x402-fetch do.
import { parseArgs } from 'node:util';
import { createKeyPairSignerFromBytes, getBase58Decoder } from '@solana/kit';
import { x402Client } from '@x402/core/client';
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from '@x402/core/http';
import { ExactSvmScheme } from '@x402/svm/exact/client';
import { createPaymentHeader } from 'x402/client';
import { createSigner } from 'x402/types';

const { values } = parseArgs({ options: { rpc: { type: 'string' }, keypair: { type: 'string' }, 'payment-required': { type: 'string' }, body: { type: 'string' } } });
const keypair = Uint8Array.from(JSON.parse(values.keypair));
if (values['payment-required']) {
  const client = new x402Client();
  client.register('solana:*', new ExactSvmScheme(await createKeyPairSignerFromBytes(keypair), { rpcUrl: values.rpc }));
  const payload = await client.createPaymentPayload(decodePaymentRequiredHeader(values['payment-required']));
  process.stdout.write(encodePaymentSignatureHeader(payload));
} else {
  const body = JSON.parse(values.body);
  const signer = await createSigner(body.accepts[0].network, getBase58Decoder().decode(keypair));
  process.stdout.write(await createPaymentHeader(signer, body.x402Version, body.accepts[0], { svmConfig: { rpcUrl: values.rpc } }));
}
