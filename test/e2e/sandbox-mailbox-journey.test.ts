import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';

/*
 * A newcomer's journey through the sandbox, on a phone, in a real browser
 * (Debian Chromium through playwright-core), using only what the pages offer:
 * connect as the simulator's demo athlete, confirm the email from the sandbox
 * mailbox (/sim/mail, no SMTP: the mailer writes .eml files), add a long run in
 * new shoes on the simulator's control page, find the alert in the mailbox and
 * follow its link to the plan page, which says why the plan changed.
 * Screenshots go to test/artifacts/sandbox-mailbox-journey/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test/artifacts/sandbox-mailbox-journey');
const PHONE = { width: 390, height: 844 };

/** The page fits the phone: nothing wider than the viewport (no sideways scrolling). */
async function fitsPhone(page: Page): Promise<void> {
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
  expect(width, page.url()).toBeLessThanOrEqual(PHONE.width);
}

describe('sandbox journey on a phone: connect, a long run in new shoes, the alert in /sim/mail, the plan', () => {
  let database: TestDatabase;
  let app: Running;
  let publicUrl: string;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`,
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createTestDatabase();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // Sandbox mode and no SMTP_URL: what `npm start` gives a newcomer.
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'all',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
      }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (app) await deleteQueueKeys(app.deps.config.queuePrefix);
    await database?.drop();
  });

  const shoot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('works from the pages alone', { timeout: 120_000 }, async () => {
    // Connect as the simulator's demo athlete (eight weeks of runs, longest 12 km).
    await page.goto(`${publicUrl}/`);
    await page.getByRole('link', { name: 'Connect with Strava' }).click();
    await page.waitForURL(/\/sim\/oauth\/authorize/);
    const alex = await page.locator('#athlete_id option', { hasText: 'Alex Demo' }).getAttribute('value');
    await page.selectOption('#athlete_id', alex ?? '');
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${publicUrl}/onboarding`);
    const [runner] = await app.deps.db.select().from(runners);
    if (!runner) throw new Error('no runner after connecting');

    // The confirmation email, from the "check your inbox" page to the sandbox mailbox.
    await page.getByLabel('Email address').fill('alex@example.com');
    await page.getByRole('button', { name: 'Send confirmation link' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await shoot('01-check-inbox');
    await page.getByRole('link', { name: 'Open the sandbox mailbox' }).click();
    const confirmation = page.getByRole('link', { name: /Confirm your email/i });
    await eventually(async () => {
      await page.reload();
      if ((await confirmation.count()) === 0) throw new Error('no confirmation email yet');
    }, 30_000);
    await fitsPhone(page);
    await shoot('02-mailbox');
    await confirmation.first().click();
    await fitsPhone(page);
    await shoot('03-confirmation-email');
    // The email's own button, inside the framed HTML, opens the confirmation page in the whole tab.
    await page.frameLocator('iframe.mail-frame').getByRole('link', { name: 'Confirm my email' }).click();
    await page.waitForURL(/\/account\/email\/verify\?token=/);
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();

    await eventually(async () => {
      const [row] = await app.deps.db.select().from(runners).where(eq(runners.id, runner.id));
      if (row?.backfillStatus !== 'done') throw new Error(`history import ${row?.backfillStatus}`);
    }, 30_000);

    // The simulator's control page: a new pair of shoes, then a 20 km run in them.
    await page.goto(`${publicUrl}/`);
    await page.getByRole('link', { name: "Open the simulator's control page" }).click();
    await page.waitForURL(/\/sim\/control\/ui/);
    await page.getByLabel('Shoe name').fill('New shoes');
    await page.getByRole('button', { name: 'Add shoe' }).click();
    await page.waitForURL(/\/sim\/control\/ui\?athlete=/);
    await page.getByLabel('Distance (km)').fill('20');
    await page.getByLabel('Shoe', { exact: true }).selectOption({ label: 'New shoes' });
    // Start left empty: the run ends and is uploaded now, so it started before the runner
    // connected. It still alerts: it was first seen after the connect read (docs/alerts.md).
    await fitsPhone(page);
    await shoot('04-control-page');
    await page.getByRole('button', { name: 'Add run' }).click();
    await page.waitForURL(/\/sim\/control\/ui\?athlete=/);

    // The alert arrives in the mailbox; its "Open your plan" button leads to the plan page.
    await eventually(async () => {
      const [alert] = await app.deps.db
        .select({ status: emailOutbox.status })
        .from(emailOutbox)
        .where(and(eq(emailOutbox.runnerId, runner.id), eq(emailOutbox.template, 'alert')));
      if (alert?.status !== 'sent') throw new Error(`alert ${alert?.status ?? 'not queued'}`);
    }, 45_000);
    await page.goto(`${publicUrl}/`);
    await page.getByRole('link', { name: 'Sandbox mailbox' }).click();
    await page.locator('li', { hasText: 'session_spike' }).getByRole('link').click();
    await page.getByText('gear_change').first().waitFor();
    await fitsPhone(page);
    await shoot('05-alert-email');
    await page.frameLocator('iframe.mail-frame').getByRole('link', { name: 'Open your plan' }).click();
    await page.waitForURL(`${publicUrl}/plan`);
    const why = page.locator('section[aria-labelledby="why-title"]');
    await why.getByRole('heading', { name: 'Longer run than usual' }).first().waitFor();
    await why.getByRole('heading', { name: 'New or long-unused shoes' }).first().waitFor();
    expect(await why.textContent()).toContain('New shoes');
    await fitsPhone(page);
    await shoot('06-plan');
    expect(dialogs).toEqual([]);
  });
});
