import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createLimiter } from '../../functions/shared/broadcaster/broadcaster';
import { BodyTooLargeError, readBody } from './gateway/http';
import { closeServer, listen } from './http-server';
import { fromManifest, type LambdaRuntime, type LocalFunction } from './lambda';
import { LOOPBACK } from './ports';

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`, REST-JSON), so an unmodified
 * LambdaClient reaches the in-process handlers through AWS_ENDPOINT_URL_LAMBDA. `X-Amz-Invocation-Type: Event`
 * answers 202 and runs the handler in the background (the broadcaster's fan-out shards); `RequestResponse`
 * (the default) answers 200 with the handler's result, or with `X-Amz-Function-Error: Unhandled` when it threw;
 * `DryRun` answers 204. As on Lambda, asynchronous events wait in a queue and run at most `asyncConcurrency` at
 * a time per function (its reserved concurrency); the function timeout counts from when an event starts, not
 * from when it was queued. Lambda's automatic retries of failed asynchronous events are not emulated.
 */

/** The broadcaster's fan-out worker (FANOUT_FUNCTION_NAME). */
export const FANOUT_FUNCTION = fromManifest('fanout');
/** The stale-connection sweep (on AWS a scheduled rule invokes it; locally the stack runs it on a timer too). */
export const SWEEP_FUNCTION = fromManifest('sweep');
/** The hold-expiry backstop: releases holds and pending reservations whose timer never fired (scheduled too). */
export const HOLD_SWEEP_FUNCTION = fromManifest('sweepExpired');
export const PAYMENT_RECONCILE_FUNCTION = fromManifest('reconcilePayments');

/** AWS limits: 6 MB for synchronous payloads, 256 KB for asynchronous ones (the bound the broadcaster keeps). */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 256 * 1024;

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** `name`, `name:qualifier`, a function ARN or a partial ARN → the function name. */
export function functionNameOf(raw: string): string {
  const decoded = decodeURIComponent(raw);
  const m = /(?:^|:function:)([A-Za-z0-9_-]+)(?::[^:]+)?$/.exec(decoded);
  return m?.[1] ?? decoded;
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ Type: 'User', message });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': type,
  });
  res.end(body);
}

export interface LambdaApiOptions {
  runtime: LambdaRuntime;
  functions: readonly LocalFunction[];
  port: number;
  /** Asynchronous events of one function running at once (Lambda's reserved concurrency). Default 4. */
  asyncConcurrency?: number;
  onError?: (where: string, requestId: string, error: unknown) => void;
}

export interface RunningLambdaApi {
  endpoint: string;
  port: number;
  server: Server;
  /** Asynchronous invocations queued or running. */
  readonly pending: number;
  stop(): Promise<void>;
}

export async function startLambdaApi(options: LambdaApiOptions): Promise<RunningLambdaApi> {
  const byName = new Map(options.functions.map((fn) => [fn.name, fn]));
  const pending = new Set<Promise<unknown>>();
  const asyncConcurrency = options.asyncConcurrency ?? 4;
  // Runs an event when one of its function's slots is free; a released slot passes to the next queued event.
  const slots = new Map<string, ReturnType<typeof createLimiter>>();
  const inSlot = (fn: LocalFunction, work: () => Promise<unknown>) => {
    let limit = slots.get(fn.name);
    if (!limit) {
      limit = createLimiter(asyncConcurrency);
      slots.set(fn.name, limit);
    }
    return limit(work);
  };
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const match = PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match?.[1]) {
      req.resume();
      return awsError(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${url.pathname}`);
    }
    // Like AWS, only signed requests get in (the signature is not verified: loopback only).
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      req.resume();
      return awsError(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    const name = functionNameOf(match[1]);
    const fn = byName.get(name);
    if (!fn || !options.runtime.exists(fn)) {
      req.resume();
      return awsError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['Event', 'RequestResponse', 'DryRun'].includes(type)) {
      req.resume();
      return awsError(res, 400, 'InvalidParameterValueException', `Unknown invocation type ${type}`);
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return awsError(res, 413, 'RequestTooLargeException', 'Request must be smaller than the payload limit');
    }
    let payload: unknown;
    try {
      payload = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      return awsError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    if (type === 'DryRun') return void res.writeHead(204).end();
    if (type === 'Event') {
      if (closing) return awsError(res, 503, 'ServiceException', 'The local stack is stopping');
      res.writeHead(202, { 'Content-Length': 0 }).end();
      const run = inSlot(fn, () => options.runtime.invoke(fn, payload, requestId)).catch((error: unknown) =>
        options.onError?.(`lambda ${fn.name} (async)`, requestId, error),
      );
      pending.add(run);
      void run.finally(() => pending.delete(run));
      return;
    }
    try {
      const result = await options.runtime.invoke(fn, payload, requestId);
      const body = JSON.stringify(result ?? null);
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'X-Amz-Executed-Version': '$LATEST',
      });
      res.end(body);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const body = JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] });
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'X-Amz-Executed-Version': '$LATEST',
        'X-Amz-Function-Error': 'Unhandled',
      });
      res.end(body);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.('lambda api', '', error);
      if (!res.headersSent) awsError(res, 500, 'ServiceException', 'Internal failure');
      else res.destroy();
    });
  });
  const port = await listen(server, options.port, 'lambda');
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    server,
    get pending() {
      return pending.size;
    },
    async stop() {
      closing = true;
      await closeServer(server);
      // Let running shards and notice batches finish (bounded, under the stack's 30 s per-part stop timeout)
      // while the stores they read and write are still up: a burst of admissions can leave seconds of them.
      const deadline = Date.now() + 25_000;
      while (pending.size && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 50))]);
      }
    },
  };
}
