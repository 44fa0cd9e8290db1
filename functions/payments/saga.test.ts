import { describe, expect, it } from 'vitest';
import { TransientError } from '../shared/errors';
import { CircuitOpenError, PaymentDeclinedError, ProviderTimeoutError } from './errors';
import { forStateMachine } from './saga';

/** The names the payment saga's Retry/Catch match (payment-saga.asl.json) are decided here. */
describe('payment saga task errors', () => {
  it('renames every transient failure to TransientError, the only name the state machine retries', () => {
    const open = forStateMachine('charge', new CircuitOpenError('circuit open')) as Error;
    expect(open).toBeInstanceOf(TransientError);
    expect(open.name).toBe('TransientError');
    expect(
      (forStateMachine('markFailed', Object.assign(new Error('x'), { code: 'ECONNREFUSED' })) as Error).name,
    ).toBe('TransientError');
    expect(
      (forStateMachine('confirmReservation', Object.assign(new Error('x'), { code: '40P01' })) as Error).name,
    ).toBe('TransientError');
  });

  it('keeps a timed-out charge a ProviderTimeoutError (void it), but retries a timed-out cancel', () => {
    expect((forStateMachine('charge', new ProviderTimeoutError('slow')) as Error).name).toBe(
      'ProviderTimeoutError',
    );
    expect((forStateMachine('voidCharge', new ProviderTimeoutError('slow')) as Error).name).toBe(
      'TransientError',
    );
    expect((forStateMachine('refund', new ProviderTimeoutError('slow')) as Error).name).toBe(
      'TransientError',
    );
  });

  it('passes declines and failed conditions through unchanged (never retried)', () => {
    const declined = new PaymentDeclinedError('REJECT_CARD_PAYMENT', 'no');
    expect(forStateMachine('charge', declined)).toBe(declined);
    const constraint = Object.assign(new Error('violates check constraint'), { code: '23514' });
    expect(forStateMachine('confirmReservation', constraint)).toBe(constraint);
  });
});
