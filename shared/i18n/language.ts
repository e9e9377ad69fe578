/**
 * Language negotiation, in order: the `lang`/`language` claim (LCID, RFC 5646 tag or two-letter
 * code: what {Culture:LCID} / {Culture:RFC5646} resolve to), `ui_locales` (user flows: the first
 * supported tag of a space-separated list), the Accept-Language header, DEFAULT_LANGUAGE.
 */
import { LANGUAGES, type Language } from './messages';

/** Windows LCIDs B2C sends for {Culture:LCID}, mapped to the tag they stand for. */
const LCIDS: Readonly<Record<string, string>> = {
  '1033': 'en-US',
  '2057': 'en-GB',
  '3081': 'en-AU',
  '4105': 'en-CA',
  '1036': 'fr-FR',
  '3084': 'fr-CA',
  '2060': 'fr-BE',
  '4108': 'fr-CH',
  '3082': 'es-ES',
  '1034': 'es-ES',
  '2058': 'es-MX',
  '1031': 'de-DE',
  '3079': 'de-AT',
  '2055': 'de-CH',
  '1040': 'it-IT',
  '2064': 'it-CH',
  '1046': 'pt-BR',
  '2070': 'pt-PT',
  '1043': 'nl-NL',
  '2067': 'nl-BE',
  '1041': 'ja-JP',
  '2052': 'zh-CN',
  '4100': 'zh-SG',
  '1028': 'zh-TW',
  '3076': 'zh-HK',
  '5124': 'zh-MO',
  '1042': 'ko-KR',
};

const SIMPLE = new Set<string>(LANGUAGES.filter((l) => !l.includes('-')));
const TRADITIONAL_REGIONS = new Set(['tw', 'hk', 'mo']);

/** A claim resolver B2C did not resolve: `{Culture:LCID}` arrived as literal text. */
export function isUnresolvedClaimResolver(value: string): boolean {
  return /^\{[A-Za-z]+:[^}]*\}$/.test(value.trim());
}

/**
 * The shape of a resolver's name (`{Culture:LCID}`, `{Context:CorrelationId}`): the API names
 * one in its logs when it arrives unresolved, and nothing else a caller wrote there.
 */
export const CLAIM_RESOLVER_NAME = /^\{[A-Za-z]+:[A-Za-z0-9_.]{1,40}\}$/;

/**
 * The supported language a tag or LCID stands for, or undefined. Regional tags fall back to
 * their language (fr-CA → fr); Chinese respects script: Traditional (zh-TW, zh-Hant) is not
 * given Simplified text.
 */
export function supportedLanguage(value: string): Language | undefined {
  let tag = value.trim();
  if (/^\d{4,5}$/.test(tag)) tag = LCIDS[tag] ?? '';
  const parts = tag.toLowerCase().split(/[-_]/);
  const primary = parts[0] ?? '';
  if (primary === 'zh') {
    const subtags = parts.slice(1);
    if (subtags.includes('hant')) return undefined;
    if (subtags.includes('hans')) return 'zh-Hans';
    if (subtags.some((s) => TRADITIONAL_REGIONS.has(s))) return undefined;
    return 'zh-Hans';
  }
  return SIMPLE.has(primary) ? (primary as Language) : undefined;
}

export type LanguageSource = 'claim' | 'ui_locales' | 'accept-language' | 'default';

export interface LanguageChoice {
  readonly language: Language;
  readonly source: LanguageSource;
  /** The literal claim resolver that arrived unresolved, when one did. */
  readonly unresolvedResolver?: string;
}

export interface LanguageHints {
  readonly lang?: string | undefined;
  readonly uiLocales?: string | undefined;
  readonly acceptLanguage?: string | null | undefined;
}

/** Accept-Language tags, best first (q=0 dropped). */
function acceptLanguageTags(header: string): string[] {
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

export function chooseLanguage(hints: LanguageHints, fallback: Language): LanguageChoice {
  let unresolvedResolver: string | undefined;
  const lang = hints.lang?.trim();
  if (lang) {
    if (isUnresolvedClaimResolver(lang)) {
      unresolvedResolver = lang;
    } else {
      const language = supportedLanguage(lang);
      if (language) return { language, source: 'claim' };
    }
  }
  const withResolver = (choice: Omit<LanguageChoice, 'unresolvedResolver'>): LanguageChoice =>
    unresolvedResolver === undefined ? choice : { ...choice, unresolvedResolver };

  for (const tag of hints.uiLocales?.split(/[\s,]+/) ?? []) {
    if (tag === '' || isUnresolvedClaimResolver(tag)) continue;
    const language = supportedLanguage(tag);
    if (language) return withResolver({ language, source: 'ui_locales' });
  }
  for (const tag of acceptLanguageTags(hints.acceptLanguage ?? '')) {
    const language = supportedLanguage(tag);
    if (language) return withResolver({ language, source: 'accept-language' });
  }
  return withResolver({ language: fallback, source: 'default' });
}
