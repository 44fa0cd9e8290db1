import { ADMISSION_HEADER } from '../../shared/queue';
import { MANIFEST } from '../manifest';
import { loadConfig } from '../shared/config';
import { createHttpHandler } from '../shared/http';
import { getSeatsDeps } from './deps';
import { getHold } from './use-cases/get-hold';
import { lockSeats } from './use-cases/lock-seats';
import { unlockSeats } from './use-cases/unlock-seats';

/** seats: the seat map, and the caller's hold (lock, unlock, read). */
// Parsed once at cold start so a missing variable fails loudly, listing all of them.
loadConfig(MANIFEST.seats.parts);

/**
 * Test-only header (see SeatsDeps.testSwitches): `1` locks without the Redis filter and the availability check,
 * `redis` without the Redis filter only.
 */
export const DISABLE_SEAT_GUARD_HEADER = 'x-test-disable-seat-guard';

export const handler = createHttpHandler('seats', {
  'seats.map': async ({ params, query, headers }) => {
    const result = await (await getSeatsDeps()).seatMap.read(params.eventId, {
      view: query.view,
      ifNoneMatch: headers['if-none-match'],
    });
    // Cached, but revalidated every time: the statuses are live.
    const cache = { ETag: result.etag, 'Cache-Control': 'no-cache' };
    if (result.notModified) return { status: 304, headers: cache };
    return { status: 200, body: result.map, headers: cache };
  },
  'seats.lock': async ({ body, auth, headers }) => {
    const deps = await getSeatsDeps();
    const bypass = deps.testSwitches ? headers[DISABLE_SEAT_GUARD_HEADER] : undefined;
    const options = {
      // `1`: both guards off (the double sale); `redis`: PostgreSQL alone (as if Redis had lost every key).
      unguarded: bypass === '1',
      skipFilter: bypass === '1' || bypass === 'redis',
      admissionToken: headers[ADMISSION_HEADER],
    };
    return { status: 200, body: await lockSeats(deps, auth.userId, body, options) };
  },
  'seats.unlock': async ({ body, auth }) => ({
    status: 200,
    body: await unlockSeats(await getSeatsDeps(), auth.userId, body),
  }),
  'seats.hold': async ({ params, auth }) => ({
    status: 200,
    body: await getHold((await getSeatsDeps()).holds, auth.userId, params.eventId),
  }),
});
