import { describe, expect, it } from 'vitest';
import {
  chooseLanguage,
  isUnresolvedClaimResolver,
  supportedLanguage,
} from '../../shared/i18n/language';
import { LANGUAGES, MESSAGES, message, type MessageKey } from '../../shared/i18n/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
  const keys = Object.keys(MESSAGES.en) as MessageKey[];

  it.each(LANGUAGES)('has every message, with the same placeholders, in %s', (language) => {
    expect(Object.keys(MESSAGES[language]).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(MESSAGES[language][key].trim(), `${language}.${key}`).not.toBe('');
      expect(placeholders(MESSAGES[language][key]), `${language}.${key}`).toEqual(
        placeholders(MESSAGES.en[key]),
      );
    }
  });

  it('keeps quoted values exactly as received, as plain text, placeholders in values untouched', () => {
    expect(
      message('en', 'notAssociated', { loyaltyId: '<b>1</b>', email: '{loyaltyId}@x.y' }),
    ).toBe("Loyalty ID '<b>1</b>' is not associated with '{loyaltyId}@x.y' email address.");
  });
});

describe('language negotiation', () => {
  it.each([
    ['1033', 'en'],
    ['1036', 'fr'],
    ['3082', 'es'],
    ['1031', 'de'],
    ['1041', 'ja'],
    ['2052', 'zh-Hans'],
    ['1042', 'ko'],
    ['fr-FR', 'fr'],
    ['fr-CA', 'fr'],
    ['pt-PT', 'pt'],
    ['pt-BR', 'pt'],
    ['nl', 'nl'],
    ['IT', 'it'],
    ['zh-CN', 'zh-Hans'],
    ['zh-Hans-CN', 'zh-Hans'],
  ])('reads %s as %s', (tag, language) => {
    expect(supportedLanguage(tag)).toBe(language);
  });

  it.each(['zh-TW', 'zh-Hant', 'zh-Hant-HK', '1028', 'xx', '9999', ''])(
    'does not give Simplified Chinese or anything else for %s',
    (tag) => {
      expect(supportedLanguage(tag)).toBeUndefined();
    },
  );

  it('prefers lang, then ui_locales (first supported), then Accept-Language, then the default', () => {
    expect(
      chooseLanguage({ lang: '1036', uiLocales: 'de-DE', acceptLanguage: 'es' }, 'en'),
    ).toEqual({ language: 'fr', source: 'claim' });
    expect(chooseLanguage({ uiLocales: 'xx-XX zh-TW ko-KR', acceptLanguage: 'es' }, 'en')).toEqual({
      language: 'ko',
      source: 'ui_locales',
    });
    expect(chooseLanguage({ acceptLanguage: 'xx;q=0.9, it;q=0.5, de;q=0.7' }, 'en')).toEqual({
      language: 'de',
      source: 'accept-language',
    });
    expect(chooseLanguage({}, 'nl')).toEqual({ language: 'nl', source: 'default' });
  });

  it('never treats an unresolved claim resolver as a language, and reports it', () => {
    expect(isUnresolvedClaimResolver('{Culture:LCID}')).toBe(true);
    expect(isUnresolvedClaimResolver('{Culture:RFC5646}')).toBe(true);
    expect(isUnresolvedClaimResolver('1033')).toBe(false);
    expect(chooseLanguage({ lang: '{Culture:RFC5646}' }, 'en')).toEqual({
      language: 'en',
      source: 'default',
      unresolvedResolver: '{Culture:RFC5646}',
    });
  });
});
