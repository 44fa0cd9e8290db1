import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventList } from '../../shared/routes';
import type { StackInfo } from '../support/provided';
import { assertWebAppServed, launchChromium, openPage, withFailureScreenshot } from './browser';

/**
 * The web app, built (web/dist) and served by the local stack, driven by headless Chromium: register, sign
 * out, sign in, search, open an event. Queries go by role and label, like a user (and a screen reader).
 */

const SEARCH_TERM = 'Symphony';
const EVENT_TITLE = 'Seoul Philharmonic Symphony Night';

const stack: StackInfo = inject('stack');
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await assertWebAppServed(stack.url);
  browser = await launchChromium();
  // The browser's own zone is deliberately not Korea's: event times must still be shown in KST.
  ({ context, page } = await openPage(browser, pageErrors, { timezoneId: 'Europe/Berlin' }));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('web app: auth and browse', () => {
  it('registers, signs out, signs in again, searches and opens an event', async () => {
    await withFailureScreenshot(page, 'e2e-failure', async () => {
      const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const name = `테스트 ${suffix}`;
      const email = `e2e-${suffix}@example.com`;
      const password = `pw-${suffix}-Secret!`;
      const banner = page.getByRole('banner');

      // Home: the event list, in Korean by default.
      await page.goto(stack.url);
      await page.getByRole('heading', { level: 1, name: '공연 찾기' }).waitFor();

      // Register → signed in, the header shows the name.
      await banner.getByRole('link', { name: '회원가입' }).click();
      await page.getByRole('heading', { level: 1, name: '회원가입' }).waitFor();
      await page.getByLabel('이름').fill(name);
      await page.getByLabel('이메일').fill(email);
      await page.getByLabel('비밀번호', { exact: true }).fill(password);
      await page.getByLabel('비밀번호 확인').fill(password);
      await page.getByRole('button', { name: '가입하기' }).click();
      await banner.getByText(name).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');

      // Sign out → the header offers sign-in again.
      await banner.getByRole('button', { name: '로그아웃' }).click();
      await banner.getByRole('link', { name: '로그인' }).waitFor();
      expect(await banner.getByText(name).count()).toBe(0);

      // Sign in: a wrong password is refused with the server's code mapped to a message, then it works.
      await banner.getByRole('link', { name: '로그인' }).click();
      await page.getByRole('heading', { level: 1, name: '로그인' }).waitFor();
      await page.getByLabel('이메일').fill(email);
      await page.getByLabel('비밀번호').fill(`${password}-wrong`);
      await page.getByRole('button', { name: '로그인' }).click();
      await page.getByRole('alert').getByText('이메일 또는 비밀번호가 올바르지 않습니다.').waitFor();
      await page.getByLabel('비밀번호').fill(password);
      await page.getByRole('button', { name: '로그인' }).click();
      await banner.getByText(name).waitFor();

      // Search: the term goes to the URL (debounced) and the list shows the seeded event.
      await page.getByRole('searchbox', { name: '검색' }).fill(SEARCH_TERM);
      await page.waitForURL((url) => url.searchParams.get('q') === SEARCH_TERM);
      const eventLink = page.getByRole('link', { name: EVENT_TITLE });
      await eventLink.waitFor();
      await expect.poll(() => page.getByRole('link', { name: 'Han River Indie Festival' }).count()).toBe(0);

      // Detail: title, venue (as the API reports it), a disabled booking button with its note.
      const listed = (await (
        await fetch(`${stack.url}/api/v1/events?q=${encodeURIComponent(SEARCH_TERM)}`)
      ).json()) as EventList;
      const seeded = listed.items.find((event) => event.title === EVENT_TITLE);
      expect(seeded, `seed should contain "${EVENT_TITLE}"`).toBeDefined();
      await eventLink.click();
      await page.getByRole('heading', { level: 1, name: EVENT_TITLE }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/events/${seeded?.id}`);
      await page
        .getByText(seeded?.venue ?? '', { exact: true })
        .first()
        .waitFor();
      // On sale: "book" leads to the seat map below.
      expect(await page.getByRole('link', { name: '예매하기' }).getAttribute('href')).toBe('#booking');
      await page.getByText('아래 좌석 배치도에서 좌석을 선택해 예매하세요.').waitFor();

      // Still signed in on the detail page, and the language switch re-renders it in English.
      await banner.getByText(name).waitFor();
      await page.getByLabel('언어').selectOption('en');
      await page.getByRole('link', { name: 'Book tickets' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      expect(pageErrors).toEqual([]);
    });
  });
});
