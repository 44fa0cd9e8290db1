import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { type AdmissionGate, getAdmissionGate } from '../shared/admission';
import { getPool, getSfn } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { once } from '../shared/once';
import { broadcastPaymentEvents } from './adapters/broadcast-payment-events';
import { pgPaymentRepository } from './adapters/pg-payment-repository';
import { sfnSagaStarter } from './adapters/sfn-saga-starter';
import type { PaymentRepository, ProviderName, SagaStarter } from './ports';
import { getProvider } from './providers';
import type { ReconcileDeps } from './use-cases/reconcile-payments';
import type { RefundReservationDeps } from './use-cases/refund-reservation';
import type { SagaDeps } from './use-cases/saga-steps';

/** Wires the payment use cases to real adapters, once per cold start (config is parsed and checked first). */

export const logger = createLogger('payments');

/** Test switches are honoured only on the local stack (the base config part already refuses them elsewhere). */
const testSwitchesOn = (c: { STAGE: string; TIKETI_TEST_SWITCHES?: string }) =>
  c.STAGE === 'local' && c.TIKETI_TEST_SWITCHES === '1';

export interface ApiDeps {
  payments: PaymentRepository;
  admission: AdmissionGate;
  saga: SagaStarter;
  provider: { name: ProviderName; clientKey?: string };
  testSwitches: boolean;
  ids: () => string;
  logger: typeof logger;
}

/** The payments API function: database, the saga's ARN, provider selection. */
export const getApiDeps = once(async (): Promise<ApiDeps> => {
  const config = loadConfig(['database', 'redis', 'paymentSaga', 'payments', 'admission']);
  const [pool, sfn, admission] = await Promise.all([getPool(), getSfn(), getAdmissionGate()]);
  return {
    payments: pgPaymentRepository(pool),
    admission,
    saga: sfnSagaStarter(sfn, config.PAYMENT_SAGA_STATE_MACHINE_ARN),
    provider: { name: config.PAYMENT_PROVIDER, clientKey: config.TOSS_CLIENT_KEY },
    testSwitches: testSwitchesOn(config),
    ids: randomUUID,
    logger,
  };
});

/** The scheduled reconciler: database and the saga (start, describe). */
export const getReconcileDeps = once(async (): Promise<ReconcileDeps> => {
  const config = loadConfig(['database', 'paymentSaga']);
  const [pool, sfn] = await Promise.all([getPool(), getSfn()]);
  return {
    payments: pgPaymentRepository(pool),
    saga: sfnSagaStarter(sfn, config.PAYMENT_SAGA_STATE_MACHINE_ARN),
    logger,
  };
});

/**
 * Refunding a confirmed reservation, on the caller's pool: the reservations context's cancel route runs it
 * in-process (payments/public.ts) with its own database role.
 */
export const refundDeps = (pool: Pool): RefundReservationDeps => ({
  payments: pgPaymentRepository(pool),
  providerFor: (name) => getProvider(name),
  events: broadcastPaymentEvents(async () => pool, logger),
  logger,
});

/** Test switches only: checks out the pool's every client, so the next checkout waits for pg's connect timeout. */
async function holdEveryClient(pool: Pool): Promise<() => void> {
  const max = pool.options.max ?? 10;
  const taken = await Promise.allSettled(Array.from({ length: max }, () => pool.connect()));
  const clients = taken.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  return () => {
    for (const client of clients) client.release();
  };
}

/** The saga task function: database, provider, and the broadcaster's parts (Redis for seat-change coalescing). */
export const getSagaDeps = once(async (): Promise<SagaDeps> => {
  const config = loadConfig([
    'database',
    'redis',
    'connections',
    'websocketManagement',
    'broadcast',
    'payments',
  ]);
  const pool = await getPool();
  const testSwitches = testSwitchesOn(config);
  return {
    payments: pgPaymentRepository(pool),
    providerFor: (name) => getProvider(name),
    events: broadcastPaymentEvents(getPool, logger),
    testSwitches,
    exhaustPool: testSwitches ? () => holdEveryClient(pool) : undefined,
  };
});
