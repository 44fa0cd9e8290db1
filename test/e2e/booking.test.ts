import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type SeatMap, seatIdAt } from '../../shared/booking';
import { createDb, type Db } from '../support/db';
import { createSeatedEvent } from '../support/fixtures';
import { registerUser } from '../support/http';
import type { StackInfo } from '../support/provided';
import { assertWebAppServed, launchChromium, openPage, signIn, withFailureScreenshot } from './browser';

/**
 * Booking in the browser, against the local stack: two signed-in buyers (two browser contexts) on the same
 * fresh seated event. A selects seats by clicking the canvas seat map; B, whose keyboard cursor rests on a
 * seat, sees it turn taken within a second (the map's live region and legend are the UI's own state, not a
 * test-only copy). A reserves, pays with the sandbox "approve" card, and finds the booking confirmed in
 * "my reservations". Then: a buyer who was offline while a seat was taken catches up on reconnect.
 */

const stack: StackInfo = inject('stack');
let browser: Browser;
let db: Db;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  await assertWebAppServed(stack.url);
  db = createDb(stack.databaseUrl);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await db?.end();
});

async function buyer(prefix: string): Promise<Page> {
  const user = await registerUser(prefix);
  const { context, page } = await openPage(browser, pageErrors);
  contexts.push(context);
  await signIn(page, stack.url, user);
  return page;
}

/** Opens the event page and waits for the live seat map (and the realtime connection it listens on). */
async function openEvent(page: Page, eventId: string): Promise<void> {
  await page.goto(`${stack.url}/events/${eventId}`);
  await page.getByTestId('seat-map-canvas').waitFor();
  await page.getByRole('banner').getByRole('status').getByText('실시간 연결됨').waitFor();
}

/** Clicks seat `index` where the canvas draws it (world → screen through the map's current view). */
async function clickSeat(page: Page, map: SeatMap, index: number): Promise<void> {
  const surface = page.getByTestId('seat-map-canvas');
  await surface.scrollIntoViewIfNeeded();
  const box = await surface.boundingBox();
  const view = await surface.evaluate((el) => ({
    scale: Number(el.dataset.scale),
    offsetX: Number(el.dataset.offsetX),
    offsetY: Number(el.dataset.offsetY),
  }));
  if (!box || !Number.isFinite(view.scale)) throw new Error('the seat map has no view yet');
  const x = box.x + (map.seats.x[index] ?? 0) * view.scale + view.offsetX;
  const y = box.y + (map.seats.y[index] ?? 0) * view.scale + view.offsetY;
  await page.mouse.click(x, y);
}

const labelOf = (map: SeatMap, i: number) =>
  `${map.sections[map.seats.section[i] ?? 0]?.name} ${map.seats.row[i]}-${map.seats.number[i]}`;

describe('web app: booking', () => {
  it('locks a seat live for everyone, reserves, pays and shows the booking', async () => {
    const { eventId } = await createSeatedEvent(db, { seats: 30, perRow: 10 });
    const map = (await (await fetch(`${stack.url}/api/v1/seats/events/${eventId}`)).json()) as SeatMap;
    expect(map.seats.count).toBe(30);
    // Seats 0 and 2 share a tier (the first row is VIP): its legend entry counts them down.
    const tier = map.seats.tier[0] ?? 0;
    expect(map.seats.tier[2]).toBe(tier);
    const inTier = map.seats.tier.filter((t) => t === tier).length;
    const [a, b] = await Promise.all([buyer('e2e-book-a'), buyer('e2e-book-b')]);
    const tierLeft = (n: number) => b.getByTestId(`seat-legend-available-${tier}`).getByText(`잔여 ${n}석`);
    await Promise.all([openEvent(a, eventId), openEvent(b, eventId)]);

    await withFailureScreenshot(b, 'e2e-booking-b', async () => {
      // B puts the keyboard cursor on the first seat: the live region reads it as available.
      await b.getByTestId('seat-map-canvas').focus();
      await b.keyboard.press('Home');
      const focus = b.getByTestId('seat-map-focus');
      await expect.poll(() => focus.getAttribute('data-seat-id')).toBe(seatIdAt(map, 0));
      expect(await focus.getAttribute('data-seat-state')).toBe('available');
      expect(await focus.textContent()).toContain('선택 가능');
      await tierLeft(inTier).waitFor();
    });

    await withFailureScreenshot(a, 'e2e-booking-a-select', async () => {
      // Warm-up: A takes seat 2; B's legend counting it proves B's live subscription is up.
      await clickSeat(a, map, 2);
      const hold = a.getByRole('list', { name: '선택한 좌석 1/4석' });
      await hold.getByText(labelOf(map, 2)).waitFor();
      await tierLeft(inTier - 1).waitFor({ timeout: 5_000 });

      // The measured one: A clicks the seat B's cursor is on.
      const locked = a.waitForResponse((r) => r.url().endsWith('/api/v1/seats/lock') && r.status() === 200);
      await clickSeat(a, map, 0);
      await locked;
      const lockedAt = Date.now();
      await b
        .locator(`[data-testid="seat-map-focus"][data-seat-state="taken"]`)
        .waitFor({ state: 'attached', timeout: 1_000 });
      const seenAfterMs = Date.now() - lockedAt;
      expect(seenAfterMs).toBeLessThan(1_000);
      expect(await b.getByTestId('seat-map-focus').textContent()).toContain('선택 불가');
      await tierLeft(inTier - 2).waitFor();
      await a.getByRole('list', { name: '선택한 좌석 2/4석' }).getByText(labelOf(map, 0)).waitFor();

      // B tries the taken seat anyway: refused without a request, with a message.
      await b.keyboard.press('Enter');
      await b
        .getByRole('alert')
        .getByText(`${labelOf(map, 0)} 좌석은 선택할 수 없습니다.`)
        .waitFor();
    });

    let reservationId = '';
    await withFailureScreenshot(a, 'e2e-booking-a-pay', async () => {
      // Reserve → checkout → sandbox "approve" card → confirmed.
      await a.getByRole('button', { name: '2석 예매하기' }).click();
      await a.waitForURL((url) => url.pathname.startsWith('/checkout/'));
      reservationId = new URL(a.url()).pathname.split('/').pop() ?? '';
      await a.getByRole('heading', { level: 1, name: '결제' }).waitFor();
      await a.getByRole('timer').waitFor();
      await a.getByRole('button', { name: /^승인 테스트 카드 입력/ }).click();
      expect(await a.getByLabel('카드 번호').inputValue()).toBe('4242 4242 4242 4242');
      await a.getByRole('button', { name: /결제하기$/ }).click();
      await a.getByRole('heading', { name: '결제가 완료되었습니다' }).waitFor({ timeout: 30_000 });

      // My reservations: the booking, confirmed.
      await a.getByRole('link', { name: '내 예매 보기' }).click();
      await a.getByRole('heading', { level: 1, name: '내 예매' }).waitFor();
      const card = a.locator(`[data-reservation-id="${reservationId}"]`);
      await card.locator('[data-status="confirmed"]').getByText('예매 확정').waitFor();
      expect(await card.getByText(labelOf(map, 0)).count()).toBeGreaterThan(0);
    });

    // B still sees both seats taken (now sold), and the database agrees.
    await tierLeft(inTier - 2).waitFor();
    const seats = await db.query<{ status: string }>(
      'SELECT status FROM seats WHERE id = ANY($1::uuid[]) ORDER BY status',
      [[seatIdAt(map, 0), seatIdAt(map, 2)]],
    );
    expect(seats.rows.map((r) => r.status)).toEqual(['sold', 'sold']);
    const reservation = await db.query<{ status: string }>('SELECT status FROM reservations WHERE id = $1', [
      reservationId,
    ]);
    expect(reservation.rows[0]?.status).toBe('confirmed');
    expect(pageErrors).toEqual([]);
  });

  it('catches up after a realtime gap: the statuses are re-read, not left stale', async () => {
    const { eventId } = await createSeatedEvent(db, { seats: 30, perRow: 10 });
    const map = (await (await fetch(`${stack.url}/api/v1/seats/events/${eventId}`)).json()) as SeatMap;
    const tier = map.seats.tier[5] ?? 0;
    const inTier = map.seats.tier.filter((t) => t === tier).length;
    const [a, b] = await Promise.all([buyer('e2e-gap-a'), buyer('e2e-gap-b')]);
    await Promise.all([openEvent(a, eventId), openEvent(b, eventId)]);
    const tierLeft = (n: number) => b.getByTestId(`seat-legend-available-${tier}`).getByText(`잔여 ${n}석`);
    let statusReads = 0;
    b.on('request', (request) => {
      if (request.url().includes(`/seats/events/${eventId}?view=status`)) statusReads += 1;
    });

    await withFailureScreenshot(b, 'e2e-booking-gap', async () => {
      // B drops off the network; A locks a seat meanwhile: the message cannot reach B.
      await b.context().setOffline(true);
      await b.getByRole('banner').getByRole('status').getByText('오프라인').waitFor();
      await clickSeat(a, map, 5);
      await a.getByRole('list', { name: '선택한 좌석 1/4석' }).getByText(labelOf(map, 5)).waitFor();
      await tierLeft(inTier).waitFor();

      // Back online: the client reconnects and re-reads the statuses (the cheap `?view=status`).
      await b.context().setOffline(false);
      await b.getByRole('banner').getByRole('status').getByText('실시간 연결됨').waitFor();
      await tierLeft(inTier - 1).waitFor({ timeout: 5_000 });
      expect(statusReads).toBeGreaterThanOrEqual(1);
    });
    expect(pageErrors).toEqual([]);
  });

  it('zooms with a two-finger pinch about the fingers, without selecting a seat', async () => {
    const { eventId } = await createSeatedEvent(db, { seats: 30, perRow: 10 });
    const page = await buyer('e2e-book-pinch');
    await openEvent(page, eventId);
    await withFailureScreenshot(page, 'e2e-booking-pinch', async () => {
      const surface = page.getByTestId('seat-map-canvas');
      await surface.scrollIntoViewIfNeeded();
      const box = await surface.boundingBox();
      if (!box) throw new Error('no seat map');
      const scale = () => surface.evaluate((el) => Number(el.dataset.scale));
      const before = await scale();
      // Real touch input through Chromium (pointer events with real pointer ids, as on a phone).
      const cdp = await page.context().newCDPSession(page);
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      const fingers = (spread: number) => [
        { x: cx - spread, y: cy, id: 1 },
        { x: cx + spread, y: cy, id: 2 },
      ];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(40) });
      for (const spread of [50, 60, 70, 80]) {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(spread) });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      // Fingers twice as far apart: twice the scale (unless the zoom limit stops it first).
      await expect.poll(scale).toBeGreaterThan(before * 1.5);
      // A pinch is not a tap: nothing was selected.
      expect(await page.getByRole('list', { name: /선택한 좌석/ }).count()).toBe(0);
    });
  });
});
