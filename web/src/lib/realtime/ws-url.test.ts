import { describe, expect, it } from 'vitest';
import { resolveWsUrl } from './ws-url';

describe('resolveWsUrl', () => {
  const https = { protocol: 'https:', host: 'tiketi.example' };
  const http = { protocol: 'http:', host: '127.0.0.1:8080' };

  it('keeps absolute ws(s) URLs', () => {
    expect(resolveWsUrl('wss://abc.execute-api.ap-northeast-2.amazonaws.com/prod', https)).toBe(
      'wss://abc.execute-api.ap-northeast-2.amazonaws.com/prod',
    );
    expect(resolveWsUrl(' ws://127.0.0.1:8080/ws ', http)).toBe('ws://127.0.0.1:8080/ws');
  });

  it('maps http(s) to ws(s) and paths to the page host', () => {
    expect(resolveWsUrl('https://rt.example/prod', http)).toBe('wss://rt.example/prod');
    expect(resolveWsUrl('/ws', https)).toBe('wss://tiketi.example/ws');
    expect(resolveWsUrl('ws', http)).toBe('ws://127.0.0.1:8080/ws');
  });

  it('is null when realtime is not configured', () => {
    expect(resolveWsUrl('', https)).toBeNull();
    expect(resolveWsUrl('  ', https)).toBeNull();
  });
});
