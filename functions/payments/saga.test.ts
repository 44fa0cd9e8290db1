import { describe, expect, it } from 'vitest';
import { TransientError } from '../shared/errors';
import { CircuitOpenError, PaymentDeclinedError, ProviderTimeoutError } from './errors';
import { forStateMachine } from './saga-errors';

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

  it('retries the database failures the shared classifier calls transient: a pool timeout while confirming', () => {
    // node-postgres' pool gives up with this message and no code: before the shared rule the saga refunded.
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const mapped = forStateMachine('confirmReservation', poolTimeout) as Error;
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.name).toBe('TransientError');
    expect(mapped.cause).toBe(poolTimeout);
    expect(
      (forStateMachine('markRefunded', new Error('Connection terminated unexpectedly')) as Error).name,
    ).toBe('TransientError');
  });

  it('keeps a timed-out charge a ProviderTimeoutError (void it), but retries a timed-out cancel', () => {
    expect((forStateMachine('charge', new ProviderTimeoutError('slow')) as Error).name).toBe(
      'ProviderTimeoutError',
    );
    // …even though its cause (the fetch's TimeoutError) is transient on its own.
    const lost = new ProviderTimeoutError('slow', {
      cause: Object.assign(new Error('t'), { name: 'TimeoutError' }),
    });
    expect(forStateMachine('charge', lost)).toBe(lost);
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
