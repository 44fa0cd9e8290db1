import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

/** Shared by the e2e suites: Debian's Chromium, headless, and a screenshot when a step fails. */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails early, clearly, when the stack does not serve the built app. */
export async function assertWebAppServed(url: string): Promise<void> {
  const html = await (await fetch(url)).text();
  if (!html.includes('id="root"')) {
    throw new Error(`${url} does not serve the web app: run \`npm run build:web\` before the e2e suite`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps dialling out, which this sandbox refuses.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Runs a step; on failure saves a full-page screenshot to `.local/<name>.png`, then rethrows. */
export async function withFailureScreenshot(
  page: Page,
  name: string,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const file = join(REPO_ROOT, '.local', `${name}.png`);
    await mkdir(dirname(file), { recursive: true });
    await page
      .screenshot({ path: file, fullPage: true })
      .then(() => console.error(`e2e failure screenshot: ${file} (at ${page.url()})`))
      .catch(() => undefined);
    throw error;
  }
}

/** A fresh context and page with the suites' defaults; page errors are collected into `errors`. */
export async function openPage(browser: Browser, errors: string[], options: BrowserContextOptions = {}) {
  const context = await browser.newContext({
    locale: 'ko-KR',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page };
}

/**
 * Signs in through the login page (as a user would) and waits for the header to show the account; the page
 * is left on `next` (default `/`).
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: { email: string; password: string },
  next = '/',
): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('이메일').fill(user.email);
  await page.getByLabel('비밀번호').fill(user.password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
  await page.getByRole('banner').getByRole('button', { name: '로그아웃' }).waitFor();
}
