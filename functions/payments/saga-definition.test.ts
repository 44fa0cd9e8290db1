import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../shared/errors';
import { PaymentKeyMismatchError } from './errors';
import { forStateMachine } from './saga-errors';

/**
 * The contract between the saga task's error names (saga.ts) and the state machine that routes them
 * (infra/workflows/definitions/payment-saga.asl.json): a name the task throws but the definition does not match
 * would fall into the wrong Catch. Reads the JSON file CDK deploys; no synthesis, no network.
 */

interface Clause {
  ErrorEquals: string[];
  Next?: string;
}
interface State {
  Type: string;
  Retry?: Clause[];
  Catch?: Clause[];
}
const definition = JSON.parse(
  readFileSync(join(__dirname, '../../infra/workflows/definitions/payment-saga.asl.json'), 'utf8'),
) as { States: Record<string, State> };
const states = definition.States;

/** Where an error named `name` goes from `state`: 'retry', or the Catch target. */
function route(state: string, name: string): string | undefined {
  const s = states[state]!;
  if (s.Retry?.some((r) => r.ErrorEquals.includes(name))) return 'retry';
  return s.Catch?.find((c) => c.ErrorEquals.includes(name) || c.ErrorEquals.includes('States.ALL'))?.Next;
}

describe('payment saga: task error names ↔ state machine', () => {
  it('a pool timeout while confirming is retried, not refunded', () => {
    const mapped = forStateMachine(
      'confirmReservation',
      new Error('timeout exceeded when trying to connect'),
    );
    expect(route('ConfirmReservation', (mapped as Error).name)).toBe('retry');
    expect(route('ConfirmReservation', 'Error')).toBe('Refund');
  });

  it("another order's payment key during a void or a refund fails the payment, cancelling nothing", () => {
    const name = (forStateMachine('voidCharge', new PaymentKeyMismatchError('x')) as Error).name;
    expect(name).toBe('PaymentKeyMismatchError');
    expect(route('VoidCharge', name)).toBe('MarkFailed');
    expect(route('Refund', name)).toBe('MarkFailed');
    // …and the catch that sends it there comes before the one for everything else.
    for (const state of ['VoidCharge', 'Refund']) {
      const names = states[state]!.Catch!.map((c) => c.ErrorEquals[0]);
      expect(names.indexOf(name), state).toBeLessThan(names.indexOf('States.ALL'));
    }
  });

  it('every task retries the one transient name', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      expect(route(name, new TransientError('x').name), name).toBe('retry');
    }
  });
});
