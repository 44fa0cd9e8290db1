import { type Agent, request } from 'node:http';

/**
 * One HTTP exchange on a keep-alive pool, for the benchmarks' load generators. node:http rather than fetch: they
 * share the machine with the stack they measure, and fetch (undici) cost about twice the CPU per request here.
 */
export function exchange(
  agent: Agent,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
