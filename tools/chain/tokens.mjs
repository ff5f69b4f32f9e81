// SPL Token / Token-2022 account parsing (layouts: shared/reference/solana.md §3).
import { toBase58 } from './wire.mjs';

export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const MEMO_PROGRAMS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
export const ALT_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';

const MINT_LEN = 82;
const ACCOUNT_LEN = 165;
const ACCOUNT_TYPE_OFFSET = 165; // Token-2022: base record padded to 165, then AccountType
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

export const isTokenProgram = (owner) => owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;

const u64 = (data, off) => Buffer.from(data.buffer, data.byteOffset, data.length).readBigUInt64LE(off);

/** True if `account` ({owner, data}) is an initialised token account. */
export function isTokenAccount(account) {
  if (!account || !isTokenProgram(account.owner)) return false;
  const { data } = account;
  if (data.length === ACCOUNT_LEN) return data[108] !== 0;
  // Token-2022 accounts with extensions: longer, AccountType byte = 2.
  return account.owner === TOKEN_2022_PROGRAM && data.length > ACCOUNT_LEN
    && data[ACCOUNT_TYPE_OFFSET] === ACCOUNT_TYPE_ACCOUNT && data[108] !== 0;
}

/** True if `account` is an initialised mint (classic 82 bytes, or Token-2022 with AccountType 1). */
export function isMint(account) {
  if (!account || !isTokenProgram(account.owner)) return false;
  const { data } = account;
  if (data.length === MINT_LEN) return data[45] === 1;
  return account.owner === TOKEN_2022_PROGRAM && data.length > ACCOUNT_LEN
    && data[ACCOUNT_TYPE_OFFSET] === ACCOUNT_TYPE_MINT && data[45] === 1;
}

/** {mint, owner, amount(bigint), programId} of a token account. */
export function parseTokenAccount(account) {
  const { data } = account;
  return {
    mint: toBase58(data.subarray(0, 32)),
    owner: toBase58(data.subarray(32, 64)),
    amount: u64(data, 64),
    programId: account.owner,
  };
}

/** {supply(bigint), decimals} of a mint. */
export function parseMint(account) {
  return { supply: u64(account.data, 36), decimals: account.data[44] };
}

/** Solana's UiTokenAmount: {amount, decimals, uiAmount, uiAmountString}. */
export function uiTokenAmount(amount, decimals) {
  const raw = BigInt(amount);
  const s = raw.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  const uiAmountString = frac ? `${whole}.${frac}` : whole;
  return { amount: raw.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}
