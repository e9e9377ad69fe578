/** What the preview offers: the ten languages of shared/i18n and the demo members to try. */
import type { Language } from '../../shared/i18n/messages';
import { DEMO_MEMBERS } from '../demoData';

export type PreviewLanguage = Language;

/** Each language as the callers send it: the culture B2C and Entra would be running in. */
export const PREVIEW_LANGUAGES: Readonly<Record<Language, { culture: string; name: string }>> = {
  en: { culture: 'en-US', name: 'English' },
  fr: { culture: 'fr-FR', name: 'Français' },
  es: { culture: 'es-ES', name: 'Español' },
  de: { culture: 'de-DE', name: 'Deutsch' },
  it: { culture: 'it-IT', name: 'Italiano' },
  pt: { culture: 'pt-BR', name: 'Português' },
  nl: { culture: 'nl-NL', name: 'Nederlands' },
  ja: { culture: 'ja-JP', name: '日本語' },
  'zh-Hans': { culture: 'zh-CN', name: '简体中文' },
  ko: { culture: 'ko-KR', name: '한국어' },
};

export function previewLanguage(value: string | null | undefined): Language {
  return value !== null && value !== undefined && value in PREVIEW_LANGUAGES
    ? (value as Language)
    : 'en';
}

function member(email: string) {
  const found = DEMO_MEMBERS.find((m) => m.email === email);
  if (found === undefined) throw new Error(`no demo member ${email}`);
  return found;
}

const david = member('david@contoso.com');
const sam = member('sam@fabrikam.com');

/** The demo members to try (scripts/demoData.ts): a right pair, a wrong pair, a suspended one. */
export const DEMO_PAIRS: Readonly<
  Record<string, { label: string; email: string; loyaltyId: string; displayName: string }>
> = {
  right: {
    label: 'Right pair',
    email: david.email,
    loyaltyId: david.loyaltyId,
    displayName: 'David',
  },
  wrong: { label: 'Wrong pair', email: david.email, loyaltyId: '1234', displayName: 'David' },
  suspended: {
    label: 'Suspended member',
    email: sam.email,
    loyaltyId: sam.loyaltyId,
    displayName: 'Sam',
  },
};
