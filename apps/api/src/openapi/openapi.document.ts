import { errorExample, successExamples } from './openapi.examples.js';

/**
 * Finishing touches on the generated OpenAPI document, applied once when it is built: schemas no
 * route uses are dropped, and every response gets a description and an example.
 */

interface MediaObject {
  schema?: { $ref?: string };
  example?: unknown;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
  requestBody?: { required?: boolean };
  [OPTIONAL_BODY]?: boolean;
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, unknown> };
}

const errorEnvelopeRef = '#/components/schemas/ErrorEnvelope';

/**
 * Set in a route schema whose body may be left out (release, confirm). @fastify/swagger marks every
 * request body required; this marker, copied to the operation as an `x-` key, says otherwise.
 */
export const OPTIONAL_BODY = 'x-body-optional';
const successDescriptions: Record<string, string> = { '200': 'Success', '201': 'Created' };
const exampleTimestamp = '2026-12-01T10:15:30.000Z';

/**
 * The zod provider emits every named schema twice (`X` for responses, `XInput` for requests); the
 * envelopes are response-only, so the unused twins are dropped to keep the document readable.
 */
export function dropUnusedSchemas<T>(document: T): T {
  const openapi = document as OpenApiDocument;
  const schemas = { ...(openapi.components?.schemas ?? {}) };
  const refs = (value: unknown) =>
    new Set([...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
  // Follow references from the paths through the schemas they name, transitively.
  const used = refs(openapi.paths ?? {});
  for (let grew = true; grew; ) {
    const size = used.size;
    for (const name of [...used]) for (const ref of refs(schemas[name as string] ?? null)) used.add(ref);
    grew = used.size > size;
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return { ...document, components: { ...openapi.components, schemas } };
}

function describeError(status: string, path: string, media: MediaObject): string {
  const { description, ...error } = errorExample(status, path);
  media.example = { success: false, error, timestamp: exampleTimestamp };
  return description;
}

function describeSuccess(operation: OperationObject, status: string, response: ResponseObject): string {
  const example = successExamples[operation.operationId ?? '']?.[status];
  const media = Object.values(response.content ?? {})[0];
  if (media && example !== undefined) media.example = example;
  return successDescriptions[status] ?? 'Success';
}

/**
 * Every response gets a description saying when it happens, and an example body; a body marked
 * optional (OPTIONAL_BODY) is documented as not required.
 */
export function describeResponses<T>(document: T): T {
  for (const [path, operations] of Object.entries((document as OpenApiDocument).paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation[OPTIONAL_BODY]) {
        delete operation[OPTIONAL_BODY];
        if (operation.requestBody) operation.requestBody.required = false;
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        const generated = response.description === undefined || response.description === 'Default Response';
        const description =
          json?.schema?.$ref === errorEnvelopeRef
            ? describeError(status, path, json)
            : describeSuccess(operation, status, response);
        if (generated) response.description = description;
      }
    }
  }
  return document;
}
