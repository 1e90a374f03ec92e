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
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y --no-install-recommends chromium\` (as .ci/run does) or set REPLYWATCH_CHROMIUM to its path`,
    );
  }
  // Tests run as root, where Chromium's sandbox cannot start; /dev/shm is small in containers.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** Saves a full-page screenshot under SCREENSHOT_DIR and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
