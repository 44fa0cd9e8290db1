import { describe, expect, it } from 'vitest';
import { coalesceFreshReads } from './fresh-reads';

/** A read whose completion the test controls, recording when each read started. */
function controlledReads() {
  const started: number[] = [];
  const finish: (() => void)[] = [];
  let value = 0;
  const read = async (_key: string) => {
    const version = ++value;
    started.push(version);
    await new Promise<void>((r) => finish.push(r));
    return version;
  };
  return { read, started, finish };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('coalesceFreshReads', () => {
  it('shares one read among callers that arrive before it starts, never one that started before them', async () => {
    // Prepare
    const { read, started, finish } = controlledReads();
    const get = coalesceFreshReads(read);

    // Act: A starts read 1; B and C arrive while it runs, so they wait for read 2, which they share.
    const a = get('e');
    const b = get('e');
    const c = get('e');
    await tick();
    expect(started).toEqual([1]);
    finish.shift()?.();
    await tick();
    expect(started).toEqual([1, 2]);
    const d = get('e'); // arrives while read 2 runs: gets read 3
    finish.shift()?.();
    await tick();
    finish.shift()?.();

    // Assess
    expect(await a).toBe(1);
    expect(await b).toBe(2);
    expect(await c).toBe(2);
    expect(await d).toBe(3);
    expect(started).toEqual([1, 2, 3]);
  });

  it('keeps keys apart and recovers after a failed read', async () => {
    let n = 0;
    const get = coalesceFreshReads(async (key: string) => {
      n++;
      if (key === 'bad' && n === 1) throw new Error('boom');
      return `${key}:${n}`;
    });
    await expect(get('bad')).rejects.toThrow('boom');
    expect(await get('bad')).toBe('bad:2');
    expect(await Promise.all([get('x'), get('y')])).toEqual(['x:3', 'y:4']);
  });
});
