import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from './http';
import { createLogger, withLambdaContext } from './logger';

const contextOf = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'tiketi-dev-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:tiketi-dev-test',
    memoryLimitInMB: '512',
  }) as Context;

/** Powertools writes one JSON document per line, to stdout (errors: stderr). */
function captureLogLines(): () => Array<Record<string, unknown>> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return () =>
    lines
      .join('')
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('withLambdaContext', () => {
  it('puts the request id and the cold-start flag on every line of every logger', async () => {
    // Prepare
    // Lambda sets this for on-demand environments; Powertools reports cold starts only there.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const read = captureLogLines();
    const taskLogger = createLogger('logger-test');
    const sharedLogger = createLogger('logger-test-shared');
    const handler = withLambdaContext(async (event: { n: number }) => {
      taskLogger.info('task ran', { n: event.n });
      sharedLogger.info('shared code ran');
      return event.n * 2;
    });

    // Act
    const first = await handler({ n: 1 }, contextOf('req-1'));
    const second = await handler({ n: 2 }, contextOf('req-2'));

    // Assess
    expect([first, second]).toEqual([2, 4]);
    const lines = read();
    expect(lines.map((l) => [l.message, l.function_request_id, l.cold_start])).toEqual([
      ['task ran', 'req-1', true],
      ['shared code ran', 'req-1', true],
      ['task ran', 'req-2', false],
      ['shared code ran', 'req-2', false],
    ]);
    expect(lines[0]).toMatchObject({ function_name: 'tiketi-dev-test', service: 'tiketi-logger-test' });
  });

  it('passes errors through unchanged (the authorizer’s "Unauthorized", the saga’s typed errors)', async () => {
    // Prepare
    captureLogLines();
    const handler = withLambdaContext(async () => {
      throw new Error('Unauthorized');
    });

    // Act
    const outcome = handler({}, contextOf('req-3'));

    // Assess
    await expect(outcome).rejects.toThrow('Unauthorized');
  });
});

describe('createHttpHandler', () => {
  it('logs with the request id and the cold-start flag', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const read = captureLogLines();
    const handler = createHttpHandler('platform', {
      'platform.health': async () => {
        throw new Error('internal detail');
      },
      'platform.openapi': async () => ({ status: 200, body: {} }),
    });
    const event = {
      resource: '/health',
      path: '/health',
      httpMethod: 'GET',
      headers: {},
      requestContext: { requestId: 'api-req-1', identity: { sourceIp: '127.0.0.1' } },
    } as unknown as APIGatewayProxyEvent;

    // Act
    const response = await handler(event, contextOf('lambda-req-1'));

    // Assess
    expect(response.statusCode).toBe(500);
    const line = read().find((l) => l.message === 'unhandled error');
    expect(line).toMatchObject({ function_request_id: 'lambda-req-1', cold_start: true });
  });
});
