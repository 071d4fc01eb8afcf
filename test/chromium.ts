import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt install chromium), never a downloaded one. */
export const CHROMIUM = process.env.SHOEBOX_CHROMIUM ?? '/usr/bin/chromium';
const SITE = path.resolve(import.meta.dirname, '../site/dist/index.html');
/** Where each page's screenshot goes: a CI artefact folder, or docs/screenshots via `npm run screenshots`. */
export const SCREENSHOTS = path.resolve(process.env.SHOEBOX_SCREENSHOTS ?? path.join(os.tmpdir(), 'shoebox-screenshots'));

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = (): string | undefined =>
  !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt install chromium)` : !existsSync(SITE) ? 'site/dist is not built (npm run build:site)' : undefined;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Logs a browser page in through the login form, as a person would. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
