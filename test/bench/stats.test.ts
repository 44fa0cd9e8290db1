import { describe, expect, it } from 'vitest';
import { cpuSnapshot, cpuSpent, percentile, pool, summarize } from './stats';

describe('bench stats', () => {
  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3, mean: 2 });
  });

  it('bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    await pool([...Array(20).keys()], 3, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    });
    expect(peak).toBe(3);
  });

  it('splits the CPU between two snapshots by part, the remainder as other', () => {
    const from = { machineMs: 1_000, processesMs: { stack: 100, buyers: 50 }, postgresMs: 200 };
    const to = { machineMs: 11_000, processesMs: { stack: 4_100, buyers: 2_050 }, postgresMs: 3_200 };
    expect(cpuSpent(from, to)).toEqual({ machine: 10, stack: 4, buyers: 2, postgres: 3, other: 1 });
    expect(cpuSpent(null, to)).toBeNull();
  });

  it('reads this process and the machine from /proc, and both only grow', () => {
    const a = cpuSnapshot({ self: [process.pid] });
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i % 7;
    const b = cpuSnapshot({ self: [process.pid] });
    expect(x).toBeGreaterThan(0);
    expect(b!.processesMs.self!).toBeGreaterThan(a!.processesMs.self!);
    // One clock tick of slack: the two counters are sampled a moment apart.
    expect(b!.machineMs - a!.machineMs).toBeGreaterThanOrEqual(
      b!.processesMs.self! - a!.processesMs.self! - 10,
    );
  });
});
