import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * Every logger this process created. On Lambda a bundle holds one function, so these are exactly that function's
 * loggers (its context's, the broadcaster's, the gate's…); all of them get the invocation's context. In the local
 * stack every function shares the process, so lines may carry a neighbour's request id: cosmetic, local only.
 */
const loggers: Logger[] = [];

/** One structured logger per function. Never log secrets, tokens, passwords or request bodies. */
export function createLogger(serviceName: string): Logger {
  const level = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase();
  const logger = new Logger({
    serviceName: `tiketi-${serviceName}`,
    logLevel: level as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
  });
  loggers.push(logger);
  return logger;
}

/**
 * Middy middleware: every log line of the invocation carries `function_request_id`, `cold_start` and the function
 * name. The array is read at each invocation, so loggers made after this call are included.
 */
export function lambdaContextMiddleware<E, R>(): MiddlewareObj<E, R> {
  return injectLambdaContext(loggers) as MiddlewareObj<E, R>;
}

/** Wraps a non-HTTP handler (authorizer, workflow tasks, sweeps, fan-out, realtime) with the context middleware. */
export function withLambdaContext<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  // No early timeout: a task that runs out of time must fail as Lambda reports it (Sandbox.Timedout), which the
  // state machines' retry rules know, not as middy's own TimeoutError.
  const wrapped = middy<E, R, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(lambdaContextMiddleware<E, R>())
    .handler(handler);
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
