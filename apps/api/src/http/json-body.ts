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

// JSON.stringify writes a LosslessNumber as an object with this member; inside a string value the
// quotes would be escaped, so the marker can only come from a LosslessNumber.
const losslessMarker = '"isLosslessNumber":true';

/**
 * The serializer of every response body: plain JSON.stringify (about twice as fast as lossless-json
 * on a typical envelope), redone losslessly only when the data held a LosslessNumber.
 */
export function stringifyResponse(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.includes(losslessMarker) ? stringifyLossless(value) : json;
}
