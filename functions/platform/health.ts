import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { healthSchema } from '../../shared/routes';

export type Health = z.infer<typeof healthSchema>;
export type Probe = () => Promise<unknown>;

export interface HealthDeps {
  probes: Record<string, Probe>;
  version: string;
  /** The platform's health-check key; read only when a caller presents one. */
  key: () => Promise<string>;
}

/**
 * GET /health. Public callers get a shallow answer (the function runs, nothing else is touched or told): a
 * flood of health checks must not become a flood of database queries, and dependency latencies are internal.
 * The dependency checks run only for a caller presenting the platform's key (monitoring, operators).
 */
export async function health(
  deps: HealthDeps,
  presentedKey: string | undefined,
): Promise<{ status: 200 | 503; body: Health }> {
  if (!presentedKey || !sameKey(presentedKey, await deps.key())) {
    return { status: 200, body: { status: 'ok', version: deps.version, dependencies: {} } };
  }
  const body = await checkHealth(deps.probes, deps.version);
  return { status: body.status === 'ok' ? 200 : 503, body };
}

/** Constant-time comparison of equal-length digests, so the key cannot be guessed byte by byte. */
function sameKey(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Runs every dependency probe in parallel with a deadline; one slow dependency cannot hang the check. */
export async function checkHealth(
  probes: Record<string, Probe>,
  version: string,
  timeoutMs = 2_000,
): Promise<Health> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const status = await Promise.race([
        probe().then(() => 'ok' as const),
        new Promise<'down'>((resolve) => {
          timer = setTimeout(() => resolve('down'), timeoutMs);
        }),
      ])
        .catch(() => 'down' as const)
        .finally(() => clearTimeout(timer));
      return [name, { status, latencyMs: Math.round(performance.now() - started) }] as const;
    }),
  );
  const dependencies = Object.fromEntries(entries);
  const allOk = entries.every(([, d]) => d.status === 'ok');
  return { status: allOk ? 'ok' : 'degraded', version, dependencies };
}
