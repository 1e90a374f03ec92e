import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); a Playwright browser download cannot work here. */
export const CHROMIUM_PATH = process.env.REPLYWATCH_CHROMIUM ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.join(tmpdir(), 'replywatch-console-screenshots');

/**
 * A headless Chromium for browser tests. A missing browser fails the test, naming the fix:
 * CI installs it (.ci/run), and a skipped browser suite would pass while proving nothing.
 */
function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y --no-install-recommends chromium\` (as .ci/run does) or set REPLYWATCH_CHROMIUM to its path`,
    );
  }
  // Tests run as root, where Chromium's sandbox cannot start; /dev/shm is small in containers.
  // Playwright closes its browsers on SIGHUP unless told not to, and the runbook suites send
  // SIGHUP to this process to reload a hub's rules.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, handleSIGHUP: false, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

let shared: Promise<Browser> | undefined;

/**
 * A new page, in its own browser context (no cookies or storage from another suite), of the one
 * Chromium this jest file shares: the browser suites run in one file (test/support/suites.ts),
 * and starting a Chromium for each cost more than the pages it showed. Close the page when done.
 */
export async function newBrowserPage(): Promise<Page> {
  // A browser that crashed in an earlier suite is replaced, so only that suite fails.
  if (shared && !(await shared.then((browser) => browser.isConnected(), () => false))) shared = undefined;
  shared ??= launchBrowser();
  return (await shared).newPage({ viewport: { width: 1280, height: 800 } });
}

// Registered while the file's suites are collected, so it runs once, after the last of them.
afterAll(async () => {
  const browser = shared;
  shared = undefined;
  await (await browser?.catch(() => undefined))?.close();
});

/** Saves a full-page screenshot under SCREENSHOT_DIR and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
