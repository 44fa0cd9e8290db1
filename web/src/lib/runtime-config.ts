import { z } from 'zod';

/**
 * Runtime configuration, fetched from `/config.json` before the app renders. CloudFront (deployed) and the
 * local gateway (local) serve it beside the static build, so one build runs on every stage.
 */
export const runtimeConfigSchema = z.object({
  /** Where the REST API lives: an origin, `''` (same origin) or an API root such as `/api/v1`. */
  apiUrl: z.string(),
  wsUrl: z.string(),
  stage: z.string().min(1),
  region: z.string().min(1),
});
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
}

export async function loadRuntimeConfig(
  fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
  url = '/config.json',
): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new ConfigLoadError(`Could not fetch ${url}: ${error instanceof Error ? error.message : error}`);
  }
  if (!response.ok) throw new ConfigLoadError(`${url} answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigLoadError(`${url} is not JSON`);
  }
  const parsed = runtimeConfigSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new ConfigLoadError(`${url} is invalid: ${fields}`);
  }
  return { ...parsed.data, apiUrl: parsed.data.apiUrl.replace(/\/+$/, '') };
}
