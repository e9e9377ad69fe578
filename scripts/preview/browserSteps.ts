/**
 * What a person does in the preview, as browser steps: the browser tests and the screenshot
 * script (scripts/previewScreenshots.ts) walk the journeys through these.
 */
import type { Page } from 'playwright-core';

export type Journey = 'custom-policy' | 'user-flow' | 'entra';

const BUTTONS: Readonly<Record<Journey, RegExp>> = {
  'custom-policy': /custom policy/,
  'user-flow': /user-flow/,
  entra: /Entra/,
};

/** The password B2C's sign-up page asks for twice (the preview sends it nowhere). */
const PASSWORD = 'Sp!ng-24-pass';

/** From the start page: a language, a demo member ("Right pair", …), a journey. */
export async function openJourney(
  page: Page,
  baseUrl: string,
  journey: Journey,
  demo: RegExp,
  language = 'en',
): Promise<void> {
  await page.goto(`${baseUrl}/preview`);
  await page.getByLabel('Language').selectOption(language);
  await page.getByLabel(demo).check();
  await page.getByRole('button', { name: BUTTONS[journey] }).click();
}

/** Opens a journey and submits its sign-up page as the demo member fills it. */
export async function signUp(
  page: Page,
  baseUrl: string,
  journey: Journey,
  demo: RegExp,
  language = 'en',
): Promise<void> {
  await openJourney(page, baseUrl, journey, demo, language);
  if (journey === 'custom-policy') {
    await page.getByLabel('New Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm New Password').fill(PASSWORD);
  }
  // Entra asks for the email first, then for the attributes
  if (journey === 'entra') await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: journey === 'entra' ? 'Continue' : 'Create' }).click();
}
