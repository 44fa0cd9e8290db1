import { describe, expect, it } from 'vitest';
import { reconcilePayments } from './reconcile-payments';

/** The decision per stuck payment, with fakes: start, fail, leave, report. */
function fakes(executions: Record<string, 'missing' | 'running' | 'closed' | 'throws'>) {
  const calls: string[] = [];
  const stuck = [
    { paymentId: 'p-missing-payable', payable: true },
    { paymentId: 'p-missing-lapsed', payable: false },
    { paymentId: 'p-running', payable: true },
    { paymentId: 'p-closed', payable: false },
    { paymentId: 'p-throws', payable: true },
  ];
  const deps = {
    payments: {
      async stuckInProgress(olderThan: number, limit: number) {
        calls.push(`stuck:${olderThan}:${limit}`);
        return stuck;
      },
      async failNeverStarted(id: string) {
        calls.push(`fail:${id}`);
        return true;
      },
      async setExecutionArn(id: string, arn: string) {
        calls.push(`arn:${id}:${arn}`);
      },
    },
    saga: {
      async describe(id: string) {
        const e = executions[id] ?? 'missing';
        if (e === 'throws') throw new Error('throttled');
        return e;
      },
      async start(input: { paymentId: string }) {
        calls.push(`start:${input.paymentId}`);
        return { executionArn: `arn-${input.paymentId}` };
      },
    },
    logger: {
      warn: (m: string) => calls.push(`warn:${m}`),
      error: (m: string) => calls.push(`error:${m}`),
    },
  };
  return { deps, calls };
}

describe('reconcilePayments', () => {
  it('starts a missing saga while payable, fails it when not, leaves running ones, reports ended ones', async () => {
    // Prepare
    const { deps, calls } = fakes({ 'p-running': 'running', 'p-closed': 'closed', 'p-throws': 'throws' });
    // Act
    const result = await reconcilePayments(deps, { olderThanSeconds: 60, limit: 10 });
    // Assess
    expect(result).toEqual({ checked: 5, restarted: 1, failed: 1, running: 1, stranded: 1 });
    expect(calls).toEqual([
      'stuck:60:10',
      'start:p-missing-payable',
      'arn:p-missing-payable:arn-p-missing-payable',
      'fail:p-missing-lapsed',
      'error:payment saga ended without settling the payment',
      'warn:could not reconcile a payment',
    ]);
  });

  it('never starts a saga for a payment whose execution exists', async () => {
    const { deps, calls } = fakes({
      'p-missing-payable': 'closed',
      'p-missing-lapsed': 'running',
      'p-running': 'running',
      'p-closed': 'closed',
      'p-throws': 'running',
    });
    await reconcilePayments(deps);
    expect(calls.filter((c) => c.startsWith('start:') || c.startsWith('fail:'))).toEqual([]);
    expect(calls[0]).toBe('stuck:300:100');
  });
});
