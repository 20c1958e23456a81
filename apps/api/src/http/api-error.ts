import type { ErrorBody, FieldErrorBody } from './envelope.js';

/** The error codes of docs/contract.md §4, plus the few statuses the contract leaves unnamed (README). */
export const ErrorCode = {
  INVALID_QUANTITY: 'INVENTORY-400-001',
  SKU_NOT_FOUND: 'INVENTORY-404-002',
  RESERVATION_NOT_FOUND: 'INVENTORY-404-003',
  NOT_ENOUGH_STOCK: 'INVENTORY-409-001',
  VERSION_CONFLICT: 'INVENTORY-409-002',
  SKU_EXISTS: 'INVENTORY-409-003',
  /** Not in the contract: confirm/release of an expired, released or confirmed reservation. */
  RESERVATION_STATE: 'INVENTORY-409-004',
  /** Not in the contract: stock per location (docs/locations.md). */
  LOCATION_NOT_FOUND: 'INVENTORY-404-004',
  /** A location cannot be deactivated: it still holds stock, or it is `default`. */
  LOCATION_STATE: 'INVENTORY-409-005',
  LOCATION_EXISTS: 'INVENTORY-409-006',
  BAD_JSON: 'COMMON-400-001',
  VALIDATION: 'COMMON-400-004',
  UNAUTHORIZED: 'COMMON-401',
  FORBIDDEN: 'COMMON-403',
  NOT_FOUND: 'COMMON-404',
  METHOD_NOT_ALLOWED: 'COMMON-405',
  PAYLOAD_TOO_LARGE: 'COMMON-413',
  UNSUPPORTED_MEDIA_TYPE: 'COMMON-415',
  IDEMPOTENCY_KEY_REUSED: 'COMMON-422',
  TOO_MANY_REQUESTS: 'COMMON-429',
  INTERNAL: 'COMMON-500',
  UNAVAILABLE: 'COMMON-503',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ApiErrorExtras {
  details?: Record<string, unknown>;
  fieldErrors?: FieldErrorBody[];
  /** Epoch ms for the envelope timestamp (a replayed outcome keeps its first time). */
  at?: number;
  headers?: Record<string, string>;
}

/**
 * An answer the API chose on purpose: thrown by routes and hooks, turned into the error envelope
 * by the one error handler. Only errors of this class (and known framework errors) show their
 * message; anything else is a COMMON-500 with the message hidden.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extras: ApiErrorExtras = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.extras.details !== undefined) body.details = this.extras.details;
    if (this.extras.fieldErrors !== undefined) body.fieldErrors = this.extras.fieldErrors;
    return body;
  }
}

const quantityFields = /(^|[.\]])(quantity|total|delta)( \(merged\))?$/;

/** INVENTORY-400-001 when every rejected field is a quantity, total or delta, else COMMON-400-004. */
export function validationError(fieldErrors: FieldErrorBody[], message?: string): ApiError {
  const quantityOnly = fieldErrors.length > 0 && fieldErrors.every((e) => quantityFields.test(e.field));
  const code = quantityOnly ? ErrorCode.INVALID_QUANTITY : ErrorCode.VALIDATION;
  const text = message ?? (quantityOnly ? 'Invalid quantity' : 'Request validation failed');
  return new ApiError(400, code, text, { fieldErrors });
}
