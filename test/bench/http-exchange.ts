import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

/**
 * One HTTP exchange on a keep-alive pool, for the benchmarks' load generators. node:http rather than fetch: they
 * share the machine with the stack they measure, and fetch (undici) cost about twice the CPU per request here.
 */
export function exchange(
  agent: Agent,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.timeoutMs) {
      // No answer in time: the caller sees a hang as an error with code ETIMEDOUT.
      req.setTimeout(init.timeoutMs, () =>
        req.destroy(Object.assign(new Error(`no answer within ${init.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
    }
    req.end(init.body);
  });
}
