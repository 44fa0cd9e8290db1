import { describe, expect, it, vi } from 'vitest';

// The authorizer reads its config at cold start; these tests need only the session check.
vi.mock('../shared/config', () => ({ loadConfig: () => ({}) }));
const { sessionEnded } = await import('./handler');

describe('authorizer: the ended-session check', () => {
  it('refuses an ended session and passes a live one', async () => {
    const denylist = async () => ({ isDenied: async ({ sid }: { sid?: string }) => sid === 'ended' });
    expect(await sessionEnded({ sid: 'ended' }, denylist)).toBe(true);
    expect(await sessionEnded({ sid: 'live' }, denylist)).toBe(false);
  });

  it('leaves the decision to the handler when Redis cannot answer (a 503 there, not a bare 500 here)', async () => {
    const down = async () => ({
      isDenied: async () => {
        throw new Error('Connection is closed.');
      },
    });
    expect(await sessionEnded({ sid: 's' }, down)).toBe(false);
  });

  it('does not swallow a programming error', async () => {
    const broken = async () => ({
      isDenied: async () => {
        throw new TypeError('x is not a function');
      },
    });
    await expect(sessionEnded({ sid: 's' }, broken)).rejects.toThrow(TypeError);
  });
});
