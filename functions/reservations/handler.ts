import { ADMISSION_HEADER } from '../../shared/queue';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { getReservationsDeps } from './deps';
import { cancelReservation } from './use-cases/cancel-reservation';
import { createReservation } from './use-cases/create-reservation';
import { getReservation, listReservations } from './use-cases/get-reservation';

/** reservations: create (idempotent), list mine, get, cancel. */
// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.reservations.parts);

/**
 * Test-only header (see ReservationsDeps.testSwitches): `1` decides a general-admission reservation without
 * serializing the buyer's purchases, so the per-user limit can be raced.
 */
export const DISABLE_LIMIT_GUARD_HEADER = 'x-test-disable-limit-guard';

export const handler = createHttpHandler('reservations', {
  'reservations.create': async ({ body, auth, headers }) => {
    const deps = await getReservationsDeps();
    const result = await createReservation(
      deps,
      auth.userId,
      headers['idempotency-key'],
      body,
      headers[ADMISSION_HEADER],
      { unserialized: deps.testSwitches && headers[DISABLE_LIMIT_GUARD_HEADER] === '1' },
    );
    return {
      status: 201,
      body: result.reservation,
      headers: result.replayed ? { 'Idempotent-Replayed': 'true' } : undefined,
    };
  },
  'reservations.mine': async ({ query, auth }) => ({
    status: 200,
    body: await listReservations((await getReservationsDeps()).reservations, auth.userId, query),
  }),
  'reservations.get': async ({ params, auth }) => ({
    status: 200,
    body: await getReservation((await getReservationsDeps()).reservations, auth.userId, params.id),
  }),
  'reservations.cancel': async ({ params, auth }) => ({
    status: 200,
    body: await cancelReservation(await getReservationsDeps(), auth.userId, params.id),
  }),
});
