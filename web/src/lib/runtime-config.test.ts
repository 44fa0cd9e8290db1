import { describe, expect, it } from 'vitest';
import { ConfigLoadError, loadRuntimeConfig } from './runtime-config';

const respond = (body: BodyInit | null, status = 200) =>
  (async () => new Response(body, { status })) as unknown as typeof fetch;

describe('loadRuntimeConfig', () => {
  it('returns the validated config, trailing slash trimmed', async () => {
    const config = await loadRuntimeConfig(
      respond(
        JSON.stringify({
          apiUrl: 'https://api.example.com/',
          wsUrl: 'wss://ws',
          stage: 'dev',
          region: 'ap-northeast-2',
        }),
      ),
    );
    expect(config).toEqual({
      apiUrl: 'https://api.example.com',
      wsUrl: 'wss://ws',
      stage: 'dev',
      region: 'ap-northeast-2',
    });
  });

  it('fails clearly on HTTP errors, non-JSON and missing fields', async () => {
    await expect(loadRuntimeConfig(respond('nope', 404))).rejects.toThrow(/HTTP 404/);
    await expect(loadRuntimeConfig(respond('<html>'))).rejects.toThrow(/not JSON/);
    await expect(loadRuntimeConfig(respond(JSON.stringify({ apiUrl: '' })))).rejects.toThrow(
      /wsUrl, stage, region/,
    );
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(loadRuntimeConfig(offline)).rejects.toBeInstanceOf(ConfigLoadError);
  });
});
