import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { validationError } from './api-error.js';
import type { FieldErrorBody } from './envelope.js';
import { isLosslessNumber, stringifyResponse } from './json-body.js';

/**
 * Schema compilers for the zod route schemas. Validation turns zod issues into the contract's
 * `fieldErrors` (field path, the rejected value, the reason). Serialization does not validate:
 * every handler builds its response object explicitly (the schemas type it and document it), and
 * the hot read path should not pay for a second pass over the data. It is the app's one response
 * serializer, so Fastify sets `application/json; charset=utf-8` on every schema'd reply: a
 * per-reply `reply.serializer()` skips that default and left replies without a Content-Type.
 */

const maxEchoedLength = 256;

/** `items[0].quantity`, the way the core names fields. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Scalars are echoed (long strings cut); objects and arrays are not, to keep errors small. */
export function echoValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    return value.length > maxEchoedLength ? `${value.slice(0, maxEchoedLength)}…` : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (isLosslessNumber(value)) return value;
  return null;
}

export function toFieldErrors(error: z.ZodError): FieldErrorBody[] {
  return error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    value: echoValue(issue.input),
    reason: issue.message,
  }));
}

/** Precompiled checks that accept valid input without zod, by schema (see `withFastAccept`). */
const fastAccepts = new WeakMap<z.ZodType, (data: unknown) => boolean>();

/**
 * Gives a schema a precompiled check for the common, valid case. `accepts` must only answer true
 * for data the schema itself accepts unchanged (no transform, no default); anything it does not
 * accept still goes through zod, which then explains the rejection. The path parameters of the hot
 * read route use it: zod's parse was a measurable share of a read's CPU (bench/api).
 */
export function withFastAccept<T extends z.ZodType>(schema: T, accepts: (data: unknown) => boolean): T {
  fastAccepts.set(schema, accepts);
  return schema;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => {
  const accepts = fastAccepts.get(schema);
  return (data) => {
    if (accepts?.(data)) return { value: data };
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: validationError(toFieldErrors(result.error)) };
  };
};

export const serializerCompiler: FastifySerializerCompiler<unknown> = () => stringifyResponse;
