import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventDetail } from '../../shared/domain';
import type { EventList } from '../../shared/routes';
import { topics } from '../../shared/ws';
import { registerUser } from '../support/http';
import type { StackInfo } from '../support/provided';
import { assertWebAppServed, launchChromium, openPage, withFailureScreenshot } from './browser';

/**
 * The web app's realtime client against the local stack, in headless Chromium: a signed-in user on an event
 * page sees the connection indicator go "connected"; a `ticket-updated` published through the broadcaster
 * (the module every function publishes with) changes the availability on screen without a reload; going
 * offline and back shows "offline", then reconnects, re-joins the event and receives updates again.
 */

const EVENT_TITLE = 'Seoul Philharmonic Symphony Night';

const stack: StackInfo = inject('stack');
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

type Publish = typeof import('../../functions/shared/broadcaster')['publish'];
let publish: Publish;

beforeAll(async () => {
  await assertWebAppServed(stack.url);
  // The broadcaster reads the handler environment at first use, as a function would at cold start.
  Object.assign(process.env, stack.env);
  ({ publish } = await import('../../functions/shared/broadcaster'));

  browser = await launchChromium();
  ({ context, page } = await openPage(browser, pageErrors));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

/**
 * Publishes `availability` to the event's topic until it shows on the page: the page joins the topic a
 * moment after the socket opens, and a message published before that reaches nobody (by design).
 */
async function publishUntilShown(eventId: string, available: number, shown: Locator): Promise<void> {
  const deadline = Date.now() + 15_000;
  const availability = { total: 9_999, available, held: 9, sold: 9_999 - available - 9 };
  for (;;) {
    await publish(topics.event(eventId), { type: 'ticket-updated', data: { eventId, availability } });
    try {
      await shown.waitFor({ timeout: 750 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe('web app: realtime', () => {
  it('shows the connection state and live availability on the event page', async () => {
    await withFailureScreenshot(page, 'e2e-realtime-failure', async () => {
      const user = await registerUser('e2e-rt');
      const listed = (await (
        await fetch(`${stack.url}/api/v1/events?q=${encodeURIComponent('Symphony')}`)
      ).json()) as EventList;
      const eventId = listed.items.find((event) => event.title === EVENT_TITLE)?.id;
      expect(eventId, `seed should contain "${EVENT_TITLE}"`).toBeDefined();
      if (!eventId) return;
      const banner = page.getByRole('banner');
      const status = banner.getByRole('status');

      // Anonymous: no socket, no indicator.
      await page.goto(`${stack.url}/events/${eventId}`);
      await page.getByRole('heading', { level: 1, name: EVENT_TITLE }).waitFor();
      expect(await status.textContent()).toBe('');

      // Sign in, then open the event page with a full load (the session resumes from the refresh token).
      await banner.getByRole('link', { name: '로그인' }).click();
      await page.getByLabel('이메일').fill(user.email);
      await page.getByLabel('비밀번호').fill(user.password);
      await page.getByRole('button', { name: '로그인' }).click();
      await banner.getByText('Test User').waitFor();
      await page.goto(`${stack.url}/events/${eventId}`);
      await page.getByRole('heading', { level: 1, name: EVENT_TITLE }).waitFor();
      await status.getByText('실시간 연결됨').waitFor();
      expect(await status.textContent()).toBe('연결 상태: 실시간 연결됨');

      // A ticket-updated for this event changes the numbers in place, marked as a live update.
      const aside = page.getByRole('complementary');
      const before = (await (await fetch(`${stack.url}/api/v1/events/${eventId}`)).json()) as EventDetail;
      expect(before.availability.available).not.toBe(4_242);
      let detailRequests = 0;
      page.on('request', (request) => {
        if (request.url().endsWith(`/api/v1/events/${eventId}`)) detailRequests += 1;
      });
      await publishUntilShown(eventId, 4_242, aside.getByText('4,242', { exact: true }));
      await aside.getByText(/실시간 반영됨/).waitFor();
      expect(detailRequests).toBe(0);

      // Offline and back: the indicator follows, the client reconnects, re-joins, and updates flow again.
      await context.setOffline(true);
      await status.getByText('오프라인').waitFor();
      await context.setOffline(false);
      await status.getByText('실시간 연결됨').waitFor();
      await publishUntilShown(eventId, 4_141, aside.getByText('4,141', { exact: true }));

      expect(pageErrors).toEqual([]);
    });
  });
});
