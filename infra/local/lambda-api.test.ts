import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it, vi } from 'vitest';
import { type LambdaRuntime, type LocalFunction, localFunction } from './lambda';
import { FANOUT_FUNCTION, functionNameOf, SWEEP_FUNCTION, startLambdaApi } from './lambda-api';

describe('Lambda Invoke API', () => {
  it('accepts a function by name, name:qualifier, full or partial ARN (as the SDK may send it)', () => {
    expect(functionNameOf('tiketi-local-fanout')).toBe('tiketi-local-fanout');
    expect(functionNameOf('tiketi-local-fanout:%24LATEST')).toBe('tiketi-local-fanout');
    expect(
      functionNameOf('arn%3Aaws%3Alambda%3Aap-northeast-2%3A000000000000%3Afunction%3Atiketi-local-sweep'),
    ).toBe('tiketi-local-sweep');
    expect(
      functionNameOf('arn:aws:lambda:ap-northeast-2:000000000000:function:tiketi-local-sweep:prod'),
    ).toBe('tiketi-local-sweep');
    expect(functionNameOf('000000000000:function:tiketi-local-fanout')).toBe('tiketi-local-fanout');
  });

  it('names the realtime workers the way the handler environment does', () => {
    expect(FANOUT_FUNCTION).toMatchObject({
      name: 'tiketi-local-fanout',
      module: 'functions/realtime/fanout.ts',
    });
    expect(SWEEP_FUNCTION).toMatchObject({
      name: 'tiketi-local-sweep',
      module: 'functions/realtime/sweep.ts',
    });
  });
});

describe('asynchronous invocations', () => {
  it('queue per function and run at most asyncConcurrency at a time, in arrival order', async () => {
    // Prepare: a runtime whose handler records starts and waits until released.
    const fn = localFunction('queue-probe', 'none.ts');
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const runtime = {
      exists: () => true,
      invoke: async (_fn: LocalFunction, payload: unknown) => {
        started.push((payload as { n: number }).n);
        peak = Math.max(peak, ++running);
        await new Promise<void>((r) => release.push(r));
        running--;
      },
    } as unknown as LambdaRuntime;
    const api = await startLambdaApi({ runtime, functions: [fn], port: 0, asyncConcurrency: 2 });
    const lambda = new LambdaClient({
      endpoint: api.endpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      // Act: six events accepted at once.
      for (let n = 0; n < 6; n++) {
        const out = await lambda.send(
          new InvokeCommand({
            FunctionName: fn.name,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ n })),
          }),
        );
        expect(out.StatusCode).toBe(202);
      }
      // Assess: two run, four wait; each release starts the next one in order.
      await vi.waitFor(() => expect(started).toEqual([0, 1]));
      expect(api.pending).toBe(6);
      while (release.length) {
        release.shift()?.();
        await new Promise((r) => setTimeout(r, 10));
      }
      await vi.waitFor(() => expect(api.pending).toBe(0));
      expect(started).toEqual([0, 1, 2, 3, 4, 5]);
      expect(peak).toBe(2);
    } finally {
      lambda.destroy();
      for (const r of release) r();
      await api.stop();
    }
  });
});
