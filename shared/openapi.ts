import { z } from 'zod';
import { ERROR_CODES, errorEnvelopeSchema } from './errors';
import { type RouteDef, routes } from './routes';

/** Generates the OpenAPI 3.1 document from the route table (JSON Schema 2020-12, as 3.1 uses). */

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
    // An empty registry inlines schemas that carry a `.meta({ id })`: nested `$defs` refs would not
    // resolve inside an OpenAPI document.
    metadata: z.registry<{ id?: string }>(),
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad request (validation failed or malformed JSON)',
  401: 'Missing, invalid or expired credentials',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  422: 'Unprocessable',
  429: 'Too many requests (see Retry-After)',
  500: 'Internal error',
  503: 'Dependency unavailable',
};

function operation(route: RouteDef) {
  const parameters: unknown[] = [];
  for (const [where, schema] of [
    ['path', route.request.params],
    ['query', route.request.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input');
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, propSchema] of Object.entries(props)) {
      parameters.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: propSchema,
      });
    }
  }
  if (route.admission) {
    parameters.push({
      name: 'X-Admission-Token',
      in: 'header',
      required: false,
      description: 'Waiting-room admission token; required while the event’s room is active.',
      schema: { type: 'string' },
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? {
          description: STATUS_TEXT[Number(status)] ?? 'Response',
          content: { 'application/json': { schema: toSchema(schema, 'output') } },
        }
      : { description: STATUS_TEXT[Number(status)] ?? 'Response' };
  }
  for (const status of [...route.errors, 500]) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.fn],
    ...(route.auth === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.request.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(route.request.body, 'input') } },
          },
        }
      : {}),
    responses,
    'x-tiketi-auth': route.auth,
    'x-tiketi-function': route.fn,
  };
}

export function buildOpenApiDocument(version = '0.1.0') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly RouteDef[]) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TIKETI API',
      version,
      description: `Real-time ticketing API. Every error is \`{ "error": { "code", "message", "details"? } }\`; codes: ${Object.keys(ERROR_CODES).join(', ')}.`,
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { ErrorEnvelope: toSchema(errorEnvelopeSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
  };
}
