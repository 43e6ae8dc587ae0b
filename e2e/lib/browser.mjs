// Debian's Chromium driven by playwright-core: never a downloaded browser, HOME in a scratch
// folder (Chromium's crash handler writes under it), and every request off the loopback aborted.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'mobile320', viewport: { width: 320, height: 640 } }, // WCAG 1.4.10 reflow
];

const loopback = (u) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname);

/** Launches Chromium; resolves to { browser, close() }. */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const home = mkdtempSync(join(tmpdir(), 'motcua-e2e-home-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    timeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A fresh context (own cookies) at one width, JavaScript on or off, loopback only. */
export async function newContext(browser, { baseURL, viewport, javaScriptEnabled = true, locale = 'vi-VN' }) {
  const ctx = await browser.newContext({ baseURL, viewport, javaScriptEnabled, locale });
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(20_000);
  await ctx.route((u) => !loopback(u), (route) => route.abort());
  return ctx;
}
