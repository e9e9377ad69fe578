/**
 * The preview (/preview) in headless Chromium, against a host started as `npm start` starts it
 * (Development), with every caller check on: the custom policy sends the host's API key, the
 * user flow Basic, Entra a token the host verifies against the preview's own signing key. The
 * tests read what the page shows (text, roles, focus), never pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../scripts/host/azurite';
import { openJourney, signUp } from '../../scripts/preview/browserSteps';
import { launchChromium } from '../../scripts/preview/chromium';
import { PREVIEW_LANGUAGES } from '../../scripts/preview/choices';
import { LANGUAGES, message } from '../../shared/i18n/messages';
import { CHROMIUM, chromiumMissing } from '../support/browser';
import type { RunningHost } from '../support/host';
import { startPolicyHost } from '../support/policyHost';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`Skipping the preview's browser tests: ${missing}`);

const SECRETS = {
  API_KEY: 'preview-e2e-api-key-0123456789',
  BASIC_AUTH_USERNAME: 'preview-connector',
  BASIC_AUTH_PASSWORD: 'preview-e2e-password',
} as const;
const NOT_ASSOCIATED = { loyaltyId: '1234', email: 'david@contoso.com' };

describe.skipIf(missing !== undefined)('the preview, in a real browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    [host, browser] = await Promise.all([
      startPolicyHost(
        'Preview',
        {
          API_AUTH: 'apikey,basic,entra',
          ...SECRETS,
          ENTRA_TENANT_ID: '30000000-0000-4000-8000-000000000003',
          ENTRA_API_APP_ID: '7e57a11e-0000-4000-8000-000000000001',
          ENTRA_JWKS_URI: `http://127.0.0.1:${port}/preview/entra-keys`,
          MAX_FAILED_VALIDATIONS: '1000',
        },
        { port },
      ),
      launchChromium(CHROMIUM),
    ]);
    page = await browser.newPage();
    page.on('request', (r) => requested.push(r.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const signUpOnCustomPolicy = (demo: RegExp, language = 'en') =>
    signUp(page, host.baseUrl, 'custom-policy', demo, language);

  const claim = (name: string) =>
    page.getByRole('row', { name: new RegExp(`^${name} `) }).getByRole('cell');

  it('custom policy, right pair: ends on the token page with the promo code and the balance', async () => {
    await signUpOnCustomPolicy(/Right pair/);
    await page.getByRole('heading', { name: 'The token B2C would issue' }).waitFor();
    expect(await claim('promoCode').textContent()).toBe('SPRING24');
    expect(await claim('balance').textContent()).toBe('50.00');
    expect(await claim('email').textContent()).toBe('david@contoso.com');
    // the panels: both technical profiles, as sent, with the API key redacted
    const calls = await page.getByRole('region', { name: 'Calls to the API' }).textContent();
    expect(calls).toContain('Step 2, REST-ValidateProfile: POST /api/ValidateProfile → 200');
    expect(calls).toContain('Step 7, REST-GetProfile: POST /api/GetProfile → 200');
    expect(calls).toContain('x-api-key: [redacted]');
  });

  it('custom policy, wrong pair in French: the French message in the page-level error above the fields', async () => {
    await signUpOnCustomPolicy(/Wrong pair/, 'fr');
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toBe(message('fr', 'notAssociated', NOT_ASSOCIATED));
    expect(await alert.getAttribute('lang')).toBe('fr-FR');
    // in the browser: the error precedes the first field in the document
    const aboveTheFields = await page.evaluate<boolean>(
      "!!(document.querySelector('[role=alert]').compareDocumentPosition(document.querySelector('form input')) & Node.DOCUMENT_POSITION_FOLLOWING)",
    );
    expect(aboveTheFields).toBe(true);
  });

  it('custom policy, wrong pair: says it in each of the ten languages', async () => {
    expect(Object.keys(PREVIEW_LANGUAGES).sort()).toEqual([...LANGUAGES].sort());
    for (const language of LANGUAGES) {
      await signUpOnCustomPolicy(/Wrong pair/, language);
      expect(await page.getByRole('alert').textContent(), language).toBe(
        message(language, 'notAssociated', NOT_ASSOCIATED),
      );
    }
  });

  it('user flow, suspended member: the block page', async () => {
    await signUp(page, host.baseUrl, 'user-flow', /Suspended member/);
    await page.getByRole('heading', { name: 'You cannot sign up' }).waitFor();
    expect(await page.locator('.block-message').textContent()).toBe(
      message('en', 'suspended', { loyaltyId: '9001' }),
    );
    const calls = await page.getByRole('region', { name: 'Calls to the API' }).textContent();
    expect(calls).toContain('"step": "PostAttributeCollection"');
    expect(calls).toContain('authorization: Basic [redacted]');
  });

  it('user flow, right pair: the token carries the promo code and the balance as extension claims', async () => {
    await signUp(page, host.baseUrl, 'user-flow', /Right pair/);
    await page.getByRole('heading', { name: 'The token B2C would issue' }).waitFor();
    expect(await claim('extension_promoCode').textContent()).toBe('SPRING24');
    expect(await claim('extension_balance').textContent()).toBe('50.00');
  });

  it("Entra, wrong loyalty ID: the error beside the attribute, with Entra's token accepted", async () => {
    await signUp(page, host.baseUrl, 'entra', /Wrong pair/, 'de');
    const loyaltyId = page.getByRole('textbox', { name: 'Loyalty ID' });
    await page.locator('.field-error').waitFor();
    expect(await loyaltyId.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await loyaltyId.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`#${describedBy}`).textContent()).toBe(
      message('de', 'notAssociated', NOT_ASSOCIATED),
    );
    const calls = await page.getByRole('region', { name: 'Calls to the API' }).textContent();
    expect(calls).toContain('microsoft.graph.attributeCollectionSubmit.showValidationError');
    expect(calls).toContain('authorization: Bearer [redacted]');
  });

  it('Entra, right pair: the token page lists the claims the extension provided', async () => {
    await signUp(page, host.baseUrl, 'entra', /Right pair/);
    await page.getByRole('heading', { name: 'The token Entra would issue' }).waitFor();
    expect(await claim('promoCode').textContent()).toBe('SPRING24');
    expect(await claim('loyaltyId').textContent()).toBe('5678');
  });

  it('Entra, at attribute collection start: a suspended member is blocked, an active one prefilled', async () => {
    await openJourney(page, host.baseUrl, 'entra', /Suspended member/);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Sign-up blocked' }).waitFor();
    expect(await page.locator('.block-message').textContent()).toBe(
      message('en', 'suspendedSignUp'),
    );
    await page.goto(`${host.baseUrl}/preview/entra?email=david%40contoso.com`);
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.getByRole('textbox', { name: 'Loyalty ID' }).inputValue()).toBe('5678');
    const calls = await page.getByRole('region', { name: 'Calls to the API' }).textContent();
    expect(calls).toContain('microsoft.graph.attributeCollectionStart.setPrefillValues');
  });

  it('is used with the keyboard alone: fields in order, Enter submits', async () => {
    await page.goto(`${host.baseUrl}/preview/user-flow?demo=suspended`);
    await page.getByLabel('Email Address').focus();
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate<string>(
          'document.activeElement?.id || document.activeElement?.tagName',
        ),
      );
    }
    expect(order).toEqual(['field-displayName', 'field-loyaltyId', 'field-lang', 'BUTTON']);
    await page.keyboard.press('Shift+Tab');
    await page.getByLabel('Loyalty ID').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'You cannot sign up' }).waitFor();
  });

  it('fits a phone screen: no sideways scrolling on the token page', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await phone.goto(`${host.baseUrl}/preview/user-flow?demo=right`);
      await phone.getByRole('button', { name: 'Create' }).click();
      await phone.getByRole('heading', { name: 'The token B2C would issue' }).waitFor();
      expect(
        await phone.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(360);
    } finally {
      await phone.close();
    }
  });

  it('is announced at start, loads nothing from elsewhere, and shows no secret', async () => {
    expect(host.output()).toContain(
      `Preview (Development only): http://localhost:${host.port}/preview`,
    );
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(host.baseUrl))).toEqual([]);
    await signUpOnCustomPolicy(/Right pair/);
    const html = await page.content();
    for (const secret of Object.values(SECRETS)) expect(html).not.toContain(secret);
    expect(html).not.toContain(
      Buffer.from(`${SECRETS.BASIC_AUTH_USERNAME}:`).toString('base64').slice(0, 16),
    );
    expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

// No browser needed to see a 404: this one runs wherever the host does.
describe('the preview outside Development', () => {
  it('is a 404, and the host does not load it', async () => {
    const production = await startPolicyHost('PreviewProd', {
      AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
      API_AUTH: 'apikey',
      API_KEY: SECRETS.API_KEY,
    });
    try {
      for (const path of [
        '/preview',
        '/preview/custom-policy',
        '/Preview/style.css',
        '/preview/entra-keys',
      ]) {
        const response = await fetch(`${production.baseUrl}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).not.toContain('<html');
      }
      const post = await fetch(`${production.baseUrl}/preview/entra`, {
        method: 'POST',
        body: 'email=a@b.c',
      });
      expect(post.status).toBe(404);
      expect(production.output()).not.toContain('Preview (Development only)');
    } finally {
      await production.stop();
    }
  });
});
