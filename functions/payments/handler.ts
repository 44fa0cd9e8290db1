import { ADMISSION_HEADER } from '../../shared/queue';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { getApiDeps } from './deps';
import { isTestFault } from './ports';
import { confirmPayment } from './use-cases/confirm-payment';
import { getPaymentStatus } from './use-cases/get-payment-status';
import { preparePayment } from './use-cases/prepare-payment';

// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.payments.parts);

/**
 * payments: prepare, confirm (starts the payment saga), status. The saga itself runs in functions/payments/saga.ts.
 * `x-test-fault` (TEST_FAULTS in ports.ts) is read only when the local stack runs with test switches; anywhere
 * else the header means nothing.
 */
export const handler = createHttpHandler('payments', {
  'payments.prepare': async ({ body, auth, headers }) => ({
    status: 201,
    body: await preparePayment(await getApiDeps(), {
      reservationId: body.reservationId,
      userId: auth.userId,
      admissionToken: headers[ADMISSION_HEADER],
    }),
  }),
  'payments.confirm': async ({ body, auth, headers }) => {
    const deps = await getApiDeps();
    const fault = headers['x-test-fault'];
    const testFault = deps.testSwitches && isTestFault(fault) ? fault : null;
    return {
      status: 202,
      body: await confirmPayment(deps, {
        paymentId: body.paymentId,
        userId: auth.userId,
        paymentKey: body.paymentKey,
        testFault,
      }),
    };
  },
  'payments.status': async ({ params, auth }) => ({
    status: 200,
    body: await getPaymentStatus(await getApiDeps(), { paymentId: params.id, userId: auth.userId }),
  }),
});
