// Builds, signs and submits transactions from inside the server (seeding, airdrops).
import { Transaction } from '@solana/web3.js';

/**
 * Signs `instructions` with `feePayer` (+ `signers`) against the chain's latest
 * blockhash and sends them with preflight. Throws on failure; returns the signature.
 */
export function submit(chain, feePayer, instructions, signers = []) {
  const tx = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: chain.latestBlockhash().blockhash });
  tx.add(...instructions);
  tx.sign(feePayer, ...signers.filter((s) => !s.publicKey.equals(feePayer.publicKey)));
  return chain.send(tx.serialize(), { skipPreflight: false });
}
