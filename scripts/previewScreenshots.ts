/**
 * `npm run preview:screenshots [-- --url http://localhost:7071] [--chromium /usr/bin/chromium]`:
 * takes the preview's screenshots for the docs, docs/images/preview*.png, in headless Chromium.
 * With --url it uses the host running there (`npm start`, Development); without, it starts one
 * on a free port (tables of its own, demo data seeded) and stops it afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort } from './host/azurite';
import { watchOutput } from './host/childOutput';
import { signUp } from './preview/browserSteps';
import { DEFAULT_CHROMIUM, INSTALL_CHROMIUM, launchChromium } from './preview/chromium';

const APP_ROOT = resolve(__dirname, '..', '..');
const OUT = join(APP_ROOT, 'docs', 'images');

/** Each shot: its file, and the steps that lead to what it shows. */
const SHOTS: readonly {
  file: string;
  steps: (page: Page, url: string) => Promise<void>;
  closePanels?: boolean;
}[] = [
  {
    file: 'preview.png',
    steps: async (page, url) => void (await page.goto(`${url}/preview`)),
  },
  {
    file: 'preview-custom-policy.png',
    steps: (page, url) => signUp(page, url, 'custom-policy', /Right pair/),
  },
  {
    file: 'preview-custom-policy-error.png',
    steps: (page, url) => signUp(page, url, 'custom-policy', /Wrong pair/, 'fr'),
  },
  {
    file: 'preview-user-flow.png',
    steps: (page, url) => signUp(page, url, 'user-flow', /Suspended member/),
  },
  {
    file: 'preview-entra.png',
    steps: (page, url) => signUp(page, url, 'entra', /Wrong pair/, 'de'),
    // Entra's event is long: its panel stays closed in the picture (one click opens it)
    closePanels: true,
  },
];

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function startOwnHost(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(APP_ROOT, 'dist/scripts/start.js')], {
    cwd: APP_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
      LOYALTY_TABLE_NAME: 'PreviewShotsMembers',
      BALANCES_TABLE_NAME: 'PreviewShotsBalances',
      FAILED_VALIDATIONS_TABLE_NAME: 'PreviewShotsFailed',
      MAX_FAILED_VALIDATIONS: '1000',
      SEED_DEMO_DATA: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await watchOutput(child, /Host started/, 'the local host', 30_000).ready;
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGINT') };
}

async function main(args: readonly string[]): Promise<void> {
  const chromium = option(args, '--chromium') ?? DEFAULT_CHROMIUM;
  if (!existsSync(chromium)) throw new Error(`no Chromium at ${chromium}: ${INSTALL_CHROMIUM}`);
  const given = option(args, '--url')?.replace(/\/+$/, '');
  const host = given === undefined ? await startOwnHost() : { url: given, stop: () => {} };
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    mkdirSync(OUT, { recursive: true });
    for (const shot of SHOTS) {
      await shot.steps(page, host.url);
      await page.waitForLoadState('load');
      if (shot.closePanels) {
        await page.evaluate(
          "document.querySelectorAll('details').forEach((d) => (d.open = false))",
        );
      }
      await page.screenshot({ path: join(OUT, shot.file), fullPage: true });
      console.log(`Wrote docs/images/${shot.file}`);
    }
  } finally {
    await browser.close();
    host.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
