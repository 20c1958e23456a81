import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * JSON in and out without float rounding. Request bodies are parsed with lossless-json: a number
 * that a JS double holds exactly becomes a `number`; anything else (an orderId above 2^53, a huge
 * quantity) stays a LosslessNumber with its digits, so the schemas can keep it (orderId) or reject
 * it (quantities) instead of silently rounding it.
 */

export { isLosslessNumber, LosslessNumber };

function parseNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/** Throws SyntaxError on malformed JSON and on a key repeated with a different value. */
export function parseJsonBody(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** JSON.stringify that writes LosslessNumbers as their digits (used where an orderId is echoed). */
export function stringifyLossless(value: unknown): string {
  return stringify(value) ?? 'null';
}
