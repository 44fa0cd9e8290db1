import { describe, expect, it } from 'vitest';
import { WS_MAX_FRAME_BYTES } from '../../../shared/ws';
import { connectionIdFromPath } from './management';
import { frameTooBig, newConnectionId } from './websocket';

describe('frame size limit', () => {
  it('allows frames up to 128 KB and refuses anything larger', () => {
    expect(WS_MAX_FRAME_BYTES).toBe(128 * 1024);
    expect(frameTooBig(0)).toBe(false);
    expect(frameTooBig(WS_MAX_FRAME_BYTES)).toBe(false);
    expect(frameTooBig(WS_MAX_FRAME_BYTES + 1)).toBe(true);
    expect(frameTooBig(200 * 1024)).toBe(true);
  });
});

describe('connection ids', () => {
  it('look like API Gateway’s (16 base64 characters) and are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, newConnectionId));
    expect(ids.size).toBe(1000);
    for (const id of [...ids].slice(0, 20)) expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });
});

describe('connectionIdFromPath', () => {
  it('reads the id from /ws/@connections/{id}, with the @ and the id percent-encoded or not', () => {
    expect(connectionIdFromPath('/ws/@connections/abc%3D')).toBe('abc=');
    expect(connectionIdFromPath('/ws/%40connections/a%2Bb')).toBe('a+b');
    expect(connectionIdFromPath('/ws/@connections/')).toBeUndefined();
    expect(connectionIdFromPath('/ws/@connections/a/b')).toBeUndefined();
    expect(connectionIdFromPath('/api/@connections/a')).toBeUndefined();
  });
});
