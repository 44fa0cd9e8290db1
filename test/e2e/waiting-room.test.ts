import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { QueueTicket } from '../../shared/queue';
import { createDb, type Db } from '../support/db';
import { createSeatedEvent, createUsers, retireEvents, type TestUser } from '../support/fixtures';
import { api, registerUser } from '../support/http';
import type { StackInfo } from '../support/provided';
import { assertWebAppServed, launchChromium, openPage, signIn, withFailureScreenshot } from './browser';

/**
 * The waiting room in the browser, against the local stack: a buyer opens the page of an event whose room is
 * full (threshold 1, taken) behind another waiting user. The full-screen room shows the buyer's place, which
 * goes down when the one ahead is let in, and on the buyer's turn the room closes by itself and the seat map
 * is there to choose from.
 */
const stack: StackInfo = inject('stack');
let browser: Browser;
let db: Db;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const events: string[] = [];

beforeAll(async () => {
  await assertWebAppServed(stack.url);
  db = createDb(stack.databaseUrl);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await retireEvents(db, events);
  await db?.end();
});

const join = (eventId: string, user: TestUser) =>
  api<QueueTicket>(`/api/v1/queue/join/${eventId}`, { method: 'POST', token: user.token });
const leave = (eventId: string, user: TestUser) =>
  api(`/api/v1/queue/leave/${eventId}`, { method: 'POST', token: user.token });

describe('web app: waiting room', () => {
  it('shows a live position that goes down, then continues to the seat map on admission', async () => {
    const { eventId } = await createSeatedEvent(db, {
      seats: 20,
      perRow: 10,
      waitingRoom: { threshold: 1, admissionRate: 5, sessionMinutes: 10, preQueueOpensAt: null },
    });
    events.push(eventId);
    const [occupant, ahead] = await createUsers(db, stack.env, 2, 'e2e-room');
    expect((await join(eventId, occupant!)).json.status).toBe('admitted');
    expect((await join(eventId, ahead!)).json).toMatchObject({ status: 'waiting', ticket: 1 });

    const buyer = await registerUser('e2e-room-buyer');
    const { context, page } = await openPage(browser, pageErrors);
    contexts.push(context);
    await withFailureScreenshot(page, 'e2e-waiting-room', async () => {
      await signIn(page, stack.url, buyer);
      await page.goto(`${stack.url}/events/${eventId}`);

      const room = page.getByRole('dialog', { name: '대기열에서 순서를 기다리고 있습니다' });
      await room.waitFor();
      const position = room.locator('dd[data-stat="position"]');
      await expect.poll(() => position.textContent(), { timeout: 10_000 }).toBe('2번째');
      await expect.poll(() => room.locator('dd[data-stat="ahead"]').textContent()).toBe('1명');
      expect(await page.getByTestId('seat-map-canvas').count()).toBe(0);

      // The occupant leaves: the one ahead is let in, and the buyer's place goes down live.
      await leave(eventId, occupant!);
      await expect.poll(() => position.textContent(), { timeout: 10_000 }).toBe('1번째');
      const progress = room.getByRole('progressbar');
      expect(Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);

      // The one ahead leaves in turn: the buyer is let in, the room closes and the seat map is there.
      await leave(eventId, ahead!);
      await room.waitFor({ state: 'hidden', timeout: 10_000 });
      await page.getByTestId('seat-map-canvas').waitFor();
    });
    expect(pageErrors).toEqual([]);
    // The server agrees: the buyer holds an admission for this event.
    const status = await api<QueueTicket>(`/api/v1/queue/status/${eventId}`, { token: buyer.accessToken });
    expect(status.json.status).toBe('admitted');
  });
});
