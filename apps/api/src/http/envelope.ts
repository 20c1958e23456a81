/**
 * The response envelopes of docs/contract.md §4. Every JSON answer of the API, success or error, is one of
 * these two shapes; /metrics, /docs and /openapi.json are the only non-envelope bodies.
 */

export interface FieldErrorBody {
  field: string;
  value: unknown;
  reason: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  fieldErrors?: FieldErrorBody[];
}

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  timestamp: string;
}

export interface ErrorEnvelope {
  success: false;
  error: ErrorBody;
  timestamp: string;
}

/** `at` is epoch ms; writes pass the command's clock so a replay answers byte for byte the same. */
export function successEnvelope<T>(data: T, at: number = Date.now()): SuccessEnvelope<T> {
  return { success: true, data, timestamp: new Date(at).toISOString() };
}

export function errorEnvelope(error: ErrorBody, at: number = Date.now()): ErrorEnvelope {
  return { success: false, error, timestamp: new Date(at).toISOString() };
}
