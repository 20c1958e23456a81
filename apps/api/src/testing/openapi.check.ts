import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';
import { judge, refusedAsInvalid, toRequest } from './openapi.request.js';

/**
 * Every request an API test sends through `app.inject` and every answer it gets, checked against
 * the document the app serves at /openapi.json, by openapi-backend (an OpenAPI validator built on
 * ajv, independent of the zod schemas the app validates with). A mismatch throws, so the test
 * that made the request fails. Checked:
 * - the status is one the operation documents;
 * - the Content-Type is one of the documented media types (none when no body is documented);
 * - the body matches the documented schema for that status;
 * - the request and the answer agree: a request the document accepts is not refused as invalid
 *   (400 with a validation code), and one the document rejects is not answered with a success.
 *   A request the document rejects may get an error status the operation does not list (a 415
 *   for a body sent to DELETE), but still in the documented error envelope.
 * Paths the document does not describe (unknown routes, the Swagger UI) are left alone.
 */

export type ContractCheck = (options: InjectOptions, response: LightMyRequestResponse) => void;

// Apps built with the same configuration serve the same document: validators are compiled once.
const validators = new Map<string, Promise<OpenAPIBackend>>();

function validatorFor(document: unknown): Promise<OpenAPIBackend> {
  const key = JSON.stringify(document);
  let api = validators.get(key);
  if (api === undefined) {
    // A copy: openapi-backend dereferences the document in place, and the app serves its own.
    const definition = JSON.parse(key) as Document;
    api = new OpenAPIBackend({ definition, strict: true, quick: true }).init();
    validators.set(key, api);
  }
  return api;
}

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

function describe(options: InjectOptions, response: LightMyRequestResponse): string {
  return `${options.method ?? 'GET'} ${options.url} → ${response.statusCode} ${response.body.slice(0, 300)}`;
}

export async function openApiContractCheck(app: FastifyInstance): Promise<ContractCheck> {
  const api = await validatorFor(app.swagger());
  // Any operation's 400 answer is the error envelope: used for statuses an operation does not list.
  const envelopeOf = api.getOperations().find((op) => op.responses?.['400']);

  function bodyProblems(operation: Operation, status: number, response: LightMyRequestResponse): string[] {
    const result = api.validateResponse(response.json(), operation, status);
    return (result.errors ?? []).map((e) => `body${e.instancePath} ${e.message} (${e.schemaPath})`);
  }

  function checkResponse(
    operation: Operation,
    response: LightMyRequestResponse,
    undescribed: boolean,
  ): string[] {
    const status = response.statusCode;
    const documented = operation.responses?.[String(status)] ?? operation.responses?.default;
    const actual = mediaType(response.headers['content-type'] as string | undefined);
    if (documented === undefined || '$ref' in documented) {
      // A request the document rejects may meet an error it does not list, in the envelope.
      if (!undescribed || status < 400 || status >= 500 || !envelopeOf)
        return [`status ${status} is not documented`];
      if (actual !== 'application/json') return [`Content-Type ${actual} for an error`];
      return bodyProblems(envelopeOf, 400, response);
    }
    const media = Object.keys(documented.content ?? {});
    if (media.length === 0) return response.body === '' ? [] : ['a body where the document has none'];
    if (actual === undefined) return [`no Content-Type; documented: ${media.join(', ')}`];
    if (!media.includes(actual)) return [`Content-Type ${actual}; documented: ${media.join(', ')}`];
    return actual === 'application/json' ? bodyProblems(operation, status, response) : [];
  }

  return (options, response) => {
    const checked = toRequest(options);
    const { request, url } = checked;
    let operation: Operation | undefined;
    try {
      // openapi-backend ignores a trailing slash; the API's router does not (it answers 404).
      const trailingSlash = url.pathname.length > 1 && url.pathname.endsWith('/');
      operation = trailingSlash ? undefined : api.matchOperation(request);
    } catch {
      operation = undefined; // a path that cannot be decoded matches no operation
    }
    if (operation === undefined) return;
    const verdict = judge(api, checked, operation);
    const problems = checkResponse(operation, response, verdict === 'rejected');
    if (verdict === 'accepted' && refusedAsInvalid(response)) {
      problems.push('the API refused as invalid a request the document accepts');
    }
    if (verdict === 'rejected' && response.statusCode < 300) {
      problems.push('the API accepted a request the document rejects');
    }
    if (problems.length > 0) {
      throw new Error(
        `Answer does not match /openapi.json (${operation.operationId}):\n  ${problems.join('\n  ')}\n  ${describe(options, response)}`,
      );
    }
  };
}

/** Routes every `app.inject({...})` of this app through the check. */
export async function checkInjectsAgainstOpenApi(app: FastifyInstance): Promise<void> {
  const check = await openApiContractCheck(app);
  const inject = app.inject.bind(app);
  const checked = async (options: InjectOptions) => {
    const response = await inject(options);
    check(options, response);
    return response;
  };
  Object.assign(app, { inject: checked });
}
