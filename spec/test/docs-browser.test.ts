// The docs page in a real browser: Debian's chromium driven by playwright-core, every request that
// is not to this machine blocked and recorded. The page must render, list every operation of the
// bundle, show each one's provenance, auth and curl sample, and its search must find an
// operation. A screenshot is kept in .reports/docs-page.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs } from '../scripts/serve-docs.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];
const operations = Object.values(spec.paths as Record<string, Record<string, any>>).flatMap((item) =>
  METHODS.filter((m) => item[m]).map((method) => ({ method, ...item[method] })),
);

/** Whether the browser may load a URL: only this machine, and inline data. */
function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return ['file:', 'data:', 'blob:', 'about:'].includes(protocol) || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

let browser: Browser;
let page: Page;
let docs: { url: string; close(): Promise<void> };
let userDataDir: string;
const blocked: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No chromium at ${CHROMIUM}: the docs browser test needs Debian's chromium. Install it with \`apt-get install -y chromium\` (.ci/run does this in CI) or point CHROMIUM_PATH at a Chromium binary.`);
  }
  docs = await serveDocs({ port: 0 });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  browser = context.browser() as Browser;
  await context.route('**/*', (route) => {
    if (isLocal(route.request().url())) return route.continue();
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  page = context.pages()[0] ?? (await context.newPage());
  afterAll(async () => {
    await context.close();
    await docs.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });
  await page.goto(docs.url);
  await page.getByRole('heading', { name: new RegExp(spec.info.title) }).first().waitFor();
  // The sidebar lists a tag's operations once the tag is opened: open every tag of the bundle.
  for (const tag of spec.tags as Array<{ name: string }>) {
    await page.getByRole('link', { name: tag.name, exact: true }).first().click();
  }
}, 60_000);

describe('docs page in chromium', () => {
  it('blocks requests that leave the machine (the route filter can fail)', () => {
    expect(isLocal('http://127.0.0.1:8080/')).toBe(true);
    expect(isLocal('https://cdn.redoc.ly/redoc/logo-mini.svg')).toBe(false);
  });

  it('renders the API title and links every operation of the bundle', async () => {
    const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href')!.toLowerCase()));
    const missing = operations.filter((op) => !hrefs.some((href) => href.endsWith(`/${op.operationId.toLowerCase()}`)));
    expect(missing.map((op) => op.operationId)).toEqual([]);
  });

  it("shows each operation's provenance, auth and curl sample", async () => {
    const problems: string[] = [];
    for (const op of operations) {
      await page.locator(`a[href$="/${op.operationId.toLowerCase()}" i]`).first().click();
      const schemes = (op.security ?? spec.security ?? []).flatMap((requirement: object) => Object.keys(requirement));
      const provenance = `Provenance: ${op['x-chekt-provenance']}.`;
      // The page also renders neighbouring operations: look only inside this operation's section,
      // the largest ancestor of its heading that holds no other operation's heading.
      const sectionText = () =>
        page.evaluate((summary) => {
          const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent?.trim() === summary);
          let section = heading;
          while (section?.parentElement && section.parentElement.querySelectorAll('h2').length === 1) section = section.parentElement;
          return (section as HTMLElement | undefined)?.innerText ?? '';
        }, op.summary);
      // Rendering follows the click: wait for the description (it starts with the provenance).
      await expect.poll(sectionText, { timeout: 5_000 }).toContain(provenance).catch(() => {});
      const text = await sectionText();
      if (!text) problems.push(`${op.operationId}: no section headed "${op.summary}"`);
      for (const piece of [provenance, `curl -X ${op.method.toUpperCase()}`, ...schemes]) {
        if (text && !text.includes(piece)) problems.push(`${op.operationId}: "${piece}" not shown`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('search finds an operation by its summary and opens it', async () => {
    // An operation of another tag than the page shows now (the last one visited above), so the
    // only exact match of its summary is the search hit.
    const target = operations.find((op) => op.tags[0] !== operations.at(-1)!.tags[0])!;
    await page.getByText('Ctrl+K').first().click();
    await page.keyboard.type(target.summary);
    await page.getByText(target.summary, { exact: true }).last().click();
    await expect.poll(() => page.url().toLowerCase()).toMatch(new RegExp(`/${target.operationId.toLowerCase()}$`));
  });

  it('made no request outside this machine, and leaves a screenshot', async () => {
    fs.mkdirSync(path.join(root, '.reports'), { recursive: true });
    await page.screenshot({ path: path.join(root, '.reports', 'docs-page.png') });
    expect(blocked).toEqual([]);
  });
});
