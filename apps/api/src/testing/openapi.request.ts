import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { isSafeNumber, parse } from 'lossless-json';
import type OpenAPIBackend from 'openapi-backend';
import type { Operation } from 'openapi-backend';

/**
 * How the OpenAPI check judges a request: does the document accept it? Used to hold the API to
 * the document in both directions (openapi.check.ts).
 */

type Request = Parameters<OpenAPIBackend['validateRequest']>[0];
type Headers = Record<string, string | string[] | number | undefined>;

function flatHeaders(headers: Headers | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function payloadText(options: InjectOptions): string | undefined {
  const payload = options.payload ?? options.body;
  if (payload === undefined || payload === null) return undefined;
  return typeof payload === 'string' || Buffer.isBuffer(payload)
    ? payload.toString()
    : JSON.stringify(payload);
}

/** A name given twice is an array, as the API reads it (and not what a scalar parameter allows). */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

/** The request as openapi-backend takes it, read once. */
export interface CheckedRequest {
  request: Request;
  url: URL;
  /**
   * False when the body holds a number a double cannot hold exactly: the validator reads JSON
   * numbers as doubles, so a bound such as "at most 20 digits" cannot be judged for an integer
   * above 2^53 (10^20 and 10^20 − 1 are the same double).
   */
  judgeable: boolean;
  /**
   * A JSON body that is not JSON as the API reads it (lossless-json: a syntax error, or a key
   * given twice): every operation's document rejects it, as the API does.
   */
  malformed: boolean;
}

export function toRequest(options: InjectOptions): CheckedRequest {
  const url = new URL(String(options.url), 'http://localhost');
  const text = payloadText(options);
  let judgeable = true;
  const toNumber = (digits: string) => {
    if (!isSafeNumber(digits)) judgeable = false;
    return Number(digits);
  };
  let body: unknown = text;
  let malformed = false;
  try {
    body = text === undefined ? undefined : parse(text, null, toNumber);
  } catch {
    judgeable = true; // not JSON: validated as the text it is
    malformed = /json/i.test(String(flatHeaders(options.headers as Headers)['content-type'] ?? ''));
  }
  const request = {
    method: String(options.method ?? 'GET').toLowerCase(),
    path: url.pathname,
    query: queryOf(url),
    headers: flatHeaders(options.headers as Headers),
    body,
  };
  return { request, url, judgeable, malformed };
}

export type Verdict = 'accepted' | 'rejected' | 'unknown';

/**
 * Whether the document accepts the request. A URL it cannot even decode is rejected, and so is a
 * body sent to an operation that documents none (the document says nothing of it). Query
 * parameters the operation does not name are dropped first: OpenAPI does not forbid them (the API
 * ignores them too), but openapi-backend would. A body holding an integer above 2^53 is 'unknown'.
 */
export function judge(
  api: OpenAPIBackend,
  { request, judgeable, malformed }: CheckedRequest,
  operation: Operation,
): Verdict {
  const { body } = request;
  if (malformed) return 'rejected';
  if (operation.requestBody === undefined && body !== undefined && body !== null && body !== '')
    return 'rejected';
  if (!judgeable) return 'unknown';
  const named = new Set(
    (operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' ? [p.name] : [])),
  );
  const query = Object.fromEntries(Object.entries(request.query ?? {}).filter(([name]) => named.has(name)));
  try {
    return api.validateRequest({ ...request, query }, operation).valid ? 'accepted' : 'rejected';
  } catch {
    return 'rejected';
  }
}

const validationCodes = new Set(['COMMON-400-004', 'INVENTORY-400-001', 'COMMON-400-001']);

/**
 * Rules JSON Schema cannot state, each written in its operation's description instead: a SKU
 * listed twice in a bulk adjustment, more than 100 distinct SKUs or a merged quantity out of range
 * in an order, a total that a delta would push past 10^12, a cursor this API did not issue.
 */
const rulesInWords = [
  /^duplicate of items\[\d+\]$/,
  /^at most \d+ distinct SKUs$/,
  /^the total would exceed 10\^12$/,
  /^is not a cursor returned by this API$/,
];

interface ErrorBody {
  error?: { code?: string; fieldErrors?: { field: string; reason: string }[] };
}

/** A 400 refusing the request as invalid, for a reason other than the rules stated in words. */
export function refusedAsInvalid(response: LightMyRequestResponse): boolean {
  if (response.statusCode !== 400) return false;
  let error: ErrorBody['error'];
  try {
    error = (response.json() as ErrorBody).error;
  } catch {
    return false;
  }
  if (!validationCodes.has(error?.code ?? '')) return false;
  const fieldErrors = error?.fieldErrors ?? [];
  const inWords = (e: { field: string; reason: string }) =>
    e.field.endsWith('(merged)') || rulesInWords.some((rule) => rule.test(e.reason));
  return fieldErrors.length === 0 || !fieldErrors.every(inWords);
}
