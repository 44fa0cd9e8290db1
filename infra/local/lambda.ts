import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

import { MANIFEST, type ManifestName } from '../../functions/manifest';
import { LOCAL_AWS } from './dynamo';
import { withFunctionEnv } from './function-env';

/**
 * Runs Lambda handlers in-process. Each module is imported on its first invocation (its "cold start"), after
 * the stack has put the handler environment into process.env, because handlers parse their config once at
 * cold start. A failed import is not cached, so a handler file that appears later is picked up.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LocalFunction {
  /** Lambda function name, `tiketi-local-<fn>`. */
  name: string;
  /** Module path relative to the repo root. */
  module: string;
  /** Export to call. */
  exportName: string;
  /** Lambda timeout. */
  timeoutMs: number;
}

export function localFunction(
  fn: string,
  module: string,
  exportName = 'handler',
  timeoutMs = 30_000,
): LocalFunction {
  return { name: `tiketi-local-${fn}`, module, exportName, timeoutMs };
}

/** A function of functions/manifest.ts, as the local runtime runs it. */
export function fromManifest(name: ManifestName): LocalFunction {
  const spec = MANIFEST[name] as (typeof MANIFEST)[ManifestName] & { timeoutSeconds?: number };
  return localFunction(spec.name, spec.entry, spec.handler, (spec.timeoutSeconds ?? 30) * 1000);
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:${name}`;
}

export function lambdaContext(
  fn: LocalFunction,
  deadline: number,
  requestId: string = randomUUID(),
): Context {
  const unsupported = () => {
    throw new Error('Callback-style context methods are not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(fn.name),
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export class FunctionTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
  constructor(fn: LocalFunction) {
    super(`Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

export class HandlerMissingError extends Error {
  override readonly name = 'HandlerMissingError';
}

type Handler = (event: unknown, context: Context) => unknown;

export class LambdaRuntime {
  private readonly loaded = new Map<string, Promise<Handler>>();
  private envOf: (fn: LocalFunction) => Readonly<Record<string, string>> = () => ({});

  constructor(private readonly root = REPO_ROOT) {}

  /**
   * The environment a function sees on top of the shared one (its own database role's URL), for its cold start
   * and every invocation; see withFunctionEnv.
   */
  setFunctionEnv(envOf: (fn: LocalFunction) => Readonly<Record<string, string>>): void {
    this.envOf = envOf;
  }

  exists(fn: LocalFunction): boolean {
    return existsSync(join(this.root, fn.module));
  }

  private load(fn: LocalFunction): Promise<Handler> {
    const key = `${fn.module}#${fn.exportName}`;
    let pending = this.loaded.get(key);
    if (!pending) {
      pending = (async () => {
        const file = join(this.root, fn.module);
        if (!existsSync(file)) throw new HandlerMissingError(`${fn.module} does not exist`);
        const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        const handler = mod[fn.exportName];
        if (typeof handler !== 'function') {
          throw new HandlerMissingError(`${fn.module} does not export a function "${fn.exportName}"`);
        }
        return handler as Handler;
      })();
      this.loaded.set(key, pending);
      pending.catch(() => this.loaded.delete(key));
    }
    return pending;
  }

  /** Invokes like Lambda: the handler's promise, bounded by the function timeout. */
  invoke<T = unknown>(fn: LocalFunction, event: unknown, requestId?: string): Promise<T> {
    // The cold start (module import, config read) as well as the call run in the function's own environment.
    return withFunctionEnv(this.envOf(fn), () => this.call<T>(fn, event, requestId));
  }

  private async call<T>(fn: LocalFunction, event: unknown, requestId?: string): Promise<T> {
    const handler = await this.load(fn);
    const deadline = Date.now() + fn.timeoutMs;
    const context = lambdaContext(fn, deadline, requestId ?? randomUUID());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(fn)), fn.timeoutMs);
      timer.unref();
    });
    try {
      return (await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout])) as T;
    } finally {
      clearTimeout(timer);
    }
  }
}
