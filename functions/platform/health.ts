import type { z } from 'zod';
import type { healthSchema } from '../../shared/routes';

export type Health = z.infer<typeof healthSchema>;
export type Probe = () => Promise<unknown>;

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
