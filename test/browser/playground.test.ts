import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The playground in a real headless Chromium (Debian's `chromium`, driven by playwright-core)
 * against `npm start` itself: the seeded sample bucket and styles, `wrangler dev` with the real
 * wrangler.toml (its `[assets]` serve the page's files) and `PLAYGROUND` turned on by the script.
 * `PLAYGROUND_SCREENSHOTS=1` writes the README's screenshots into docs/.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const SHOTS =
  process.env.PLAYGROUND_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, 'test/.tmp');

/** The sample the test picks: 2725×2225, so `resize,w_400` is 400×327. */
const SAMPLE = 'street.jpg';
const COMMAND = 'image/resize,w_400/format,f_webp';
const READY_MS = 150_000;
/** Every wait for the page: a render is debounced 300 ms, and CI shares two cores with workerd. */
const WAIT = { timeout: 20_000 };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('port')),
      );
    });
  });

/** `npm start` on a free port, in its own process group so it stops with all it started. */
async function startService(): Promise<{ base: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready:\n${output}`)), READY_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('The service is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${output}`));
    });
  });
  const group = -(child.pid ?? 0);
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      process.kill(group, 'SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
      ]);
      if (!stopped) process.kill(group, 'SIGKILL');
    },
  };
}

/** A full-page screenshot as a 256-colour PNG (a third of the bytes; it is for the README). */
async function screenshot(page: Page, name: string): Promise<void> {
  const shot = await page.screenshot({ fullPage: true });
  await sharp(shot).png({ palette: true, quality: 90, effort: 10 }).toFile(join(SHOTS, name));
}

/** The response headers list of the result pane, as name → value. */
const headersOf = (page: Page) =>
  page.locator('#headers').evaluate((list) => {
    const entries: Record<string, string> = {};
    for (const term of list.querySelectorAll('dt')) {
      entries[term.textContent ?? ''] = term.nextElementSibling?.textContent ?? '';
    }
    return entries;
  });

/** Picks the sample, adds `resize` (w 400) and `format` (webp), and waits for the image. */
async function composeResizeWebp(page: Page): Promise<void> {
  await page.getByRole('button', { name: SAMPLE, exact: true }).click();
  await expect
    .poll(() => page.locator('#original-caption').textContent(), WAIT)
    .toContain('2725×2225');
  const chooser = page.getByLabel('Action', { exact: true });
  await chooser.selectOption('resize');
  await page.getByRole('button', { name: 'Add action' }).click();
  // Adding an action puts the focus in its form: the chain is built from the keyboard.
  await page.keyboard.press('Tab'); // m → w
  await page.keyboard.type('400');
  await chooser.selectOption('format');
  await page.getByRole('button', { name: 'Add action' }).press('Enter');
  const format = page.getByRole('group', { name: 'format' }).getByLabel('f', { exact: true });
  await expect
    .poll(() => format.evaluate((field) => field.ownerDocument.activeElement === field), WAIT)
    .toBe(true);
  await format.selectOption('webp');
  await expect
    .poll(() => page.locator('#result-caption').textContent(), WAIT)
    .toMatch(/^400×327 webp/);
}

describe.skipIf(CHROMIUM === undefined && !process.env.CI)('playground in Chromium', () => {
  let service: Awaited<ReturnType<typeof startService>>;
  let browser: Browser;

  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error('chromium is missing (.ci/run installs it)');
    mkdirSync(SHOTS, { recursive: true });
    [service, browser] = await Promise.all([
      startService(),
      chromium.launch({ executablePath: CHROMIUM }),
    ]);
  }, READY_MS + 30_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('composes resize and format,f_webp on a sample: the image, its headers and timing; errors as the Worker words them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: service.base,
    });
    const page = await context.newPage();
    const requested: string[] = [];
    const failures: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${service.base}/_bos/playground`);
    await page.waitForSelector('body[data-ready]');

    // The samples npm start seeded are offered.
    for (const key of ['flowers.jpeg', SAMPLE, 'with-alpha.png']) {
      await expect(page.getByRole('button', { name: key, exact: true }).count()).resolves.toBe(1);
    }
    await composeResizeWebp(page);
    await expect(page.locator('#info').textContent()).resolves.toContain('"imageWidth"');

    // The image loaded at the size the command asks for.
    const natural = await page.locator('#result-image').evaluate((image) => {
      // Runs in the page, where the element is an HTMLImageElement (Node's types know no DOM).
      const { naturalWidth, naturalHeight } = image as unknown as Record<string, number>;
      return [naturalWidth, naturalHeight];
    });
    expect(natural).toEqual([400, 327]);
    const url = `${service.base}/${SAMPLE}?x-bce-process=${COMMAND}`;
    await expect(page.locator('#url').inputValue()).resolves.toBe(url);

    // Its response headers and the Server-Timing stages as bars.
    const headers = await headersOf(page);
    expect(headers).toMatchObject({
      status: '200 OK',
      format: 'image/webp',
      'x-bce-image-info': 'width=400;height=327',
    });
    expect(headers.etag).toMatch(/^"[0-9a-f]+"$/);
    expect(headers.size).toMatch(/\(\d+ bytes\)$/);
    expect(headers['cache status']).toMatch(/./);
    const stages = await page.locator('#timing .stage').allTextContents();
    expect(stages).toEqual(['fetch', 'plan', 'read', 'decode', 'actions', 'encode', 'total']);
    const widths = await page
      .locator('#timing .fill')
      .evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width));
    expect(widths).toHaveLength(6);
    expect(Math.max(...widths)).toBeGreaterThan(50);

    // Copy the URL; the presigned one (npm start's demo key) is signed by the Worker and works.
    await page.getByRole('button', { name: 'Copy URL' }).click();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(url);
    await expect(page.locator('#copy-status').textContent()).resolves.toBe('URL copied.');
    if (await page.locator('#presign').isVisible()) {
      await expect
        .poll(() => page.locator('#signed').inputValue(), WAIT)
        .toMatch(/^http.*[?&]authorization=bce-auth-v1%2F/);
      const signed = await page.request.get(await page.locator('#signed').inputValue());
      expect(signed.status()).toBe(200);
      expect(signed.headers()['content-type']).toBe('image/webp');
    }
    await screenshot(page, 'playground-1280.png');

    // An out-of-range value: the Worker's message under the form and in place of the result.
    const width = page.getByRole('group', { name: 'resize' }).getByLabel('w', { exact: true });
    await width.fill('99999');
    const message = 'InvalidArgument: The value: 99999 of parameter: w is invalid.';
    await expect
      .poll(() => page.getByRole('group', { name: 'resize' }).locator('.error').textContent(), WAIT)
      .toBe(message);
    await expect.poll(() => width.getAttribute('aria-invalid'), WAIT).toBe('true');
    await expect
      .poll(() => page.locator('#result-error').textContent(), WAIT)
      .toBe(`400 ${message}`);
    await expect(page.locator('#result-figure').isHidden()).resolves.toBe(true);

    // A stored style, in both forms, and a V1 command with its V2 translation.
    await page.getByLabel('Style', { exact: true }).check();
    await page.getByLabel('Style name').fill('thumb');
    await expect
      .poll(() => page.locator('#style-note').textContent(), WAIT)
      .toBe('= image/resize,m_fill,w_200,h_200/format,f_webp');
    await expect
      .poll(() => page.locator('#result-caption').textContent(), WAIT)
      .toMatch(/^200×200 webp/);
    await page.getByLabel('as @!name').check();
    await expect
      .poll(() => page.locator('#url').inputValue(), WAIT)
      .toBe(`${service.base}/${SAMPLE}@!thumb`);
    await page.getByLabel('V1 @').check();
    await page.getByLabel('V1 command after @').fill('w_300,h_300');
    await expect
      .poll(() => page.locator('#v1-note').textContent(), WAIT)
      .toBe('= image/resize,m_lfit,w_300,h_300,limit_1');
    await expect
      .poll(() => page.locator('#result-caption').textContent(), WAIT)
      .toMatch(/^300×245 jpeg/);

    // Nothing but the Worker was asked for anything, and the page threw nothing.
    expect(
      requested.filter((each) => !each.startsWith(`${service.base}/`) && !each.startsWith('blob:')),
    ).toEqual([]);
    expect(failures).toEqual([]);
    await context.close();
  });

  it('fits a phone: one column, no sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${service.base}/_bos/playground`);
    await page.waitForSelector('body[data-ready]');
    await composeResizeWebp(page);
    const overflow = await page
      .locator('html')
      .evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow).toBe(0);
    const shown = await page.locator('#result-image').boundingBox();
    expect(shown?.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'playground-390.png');
    await context.close();
  });
});
