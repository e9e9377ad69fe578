/**
 * The Microsoft Entra External ID sign-up: the attribute collection page, then the custom
 * authentication extension's events as Entra sends them (envelope and bearer token):
 * OnAttributeCollectionSubmit → ValidateProfile, then OnTokenIssuanceStart → EnrichToken.
 * showValidationError shows its attributeErrors beside the attribute (and its message at the
 * top, as Entra does), showBlockPage a block page, provideClaimsForToken the token's claims.
 */
import { randomUUID } from 'node:crypto';
import { PREVIEW_LANGUAGES, type PreviewLanguage } from './choices';
import { apiUrl, shownPanels, type PreviewContext } from './context';
import {
  blockPage,
  errorPage,
  escapeHtml,
  field,
  languageSelect,
  layout,
  pageError,
  tokenPage,
  type Exchange,
} from './html';
import { callExtension, extensionHeaders, type ExtensionOutcome } from './simulators/entraCaller';
import {
  APP_ID,
  attributeCollectionStart,
  attributeCollectionSubmit,
  loyaltyAttribute,
  TENANT,
  tokenIssuanceStart,
} from './simulators/entraEvents';

const PRODUCT = 'Microsoft Entra External ID';
const LOYALTY_ATTRIBUTE = `extension_${APP_ID}_loyaltyId`;

/** The event for this tenant (the reference pages' shapes use a sample tenant). */
function forTenant<T>(event: T, tenantId: string): T {
  return JSON.parse(JSON.stringify(event).split(TENANT).join(tenantId)) as T;
}

function hidden(name: string, value: string | null | undefined): string {
  return value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '';
}

/** The first page: the email the user signs up with (Entra verifies it with a one-time code). */
function emailForm(lang: PreviewLanguage, values: URLSearchParams): string {
  return `<section class="card" aria-labelledby="title">
<h1 id="title">Create account</h1>
<p class="hint">Sign-up user flow with a custom authentication extension on attribute collection start, on attribute collection submit and on token issuance start. (Entra would now send a one-time code to the address.)</p>
<form method="post" action="/preview/entra">
<input type="hidden" name="stage" value="email">
${hidden('givenName', values.get('givenName') ?? values.get('displayName'))}
${hidden('loyaltyId', values.get('loyaltyId'))}
${field({ name: 'email', label: 'Email', type: 'email', value: values.get('email') ?? '', required: true, autocomplete: 'email' })}
${languageSelect(lang)}
<button type="submit">Next</button>
</form>
</section>`;
}

/** The attribute collection page, after OnAttributeCollectionStart. */
function form(
  lang: PreviewLanguage,
  values: URLSearchParams,
  error?: { message: string; loyaltyId?: string | undefined },
  note?: string,
): string {
  const culture = PREVIEW_LANGUAGES[lang].culture;
  return `<section class="card" aria-labelledby="title">
<h1 id="title">Create account</h1>
<p>Signing up as <strong>${escapeHtml(values.get('email') ?? '')}</strong>.</p>
${note ? `<p class="hint">${escapeHtml(note)}</p>` : ''}
<form method="post" action="/preview/entra">
${pageError(error?.message, culture)}
${hidden('email', values.get('email'))}
${field({ name: 'givenName', label: 'Given Name', value: values.get('givenName') ?? '', autocomplete: 'given-name' })}
${field({
  name: 'loyaltyId',
  label: 'Loyalty ID',
  value: values.get('loyaltyId') ?? '',
  autocomplete: 'off',
  ...(error?.loyaltyId ? { error: { text: error.loyaltyId, lang: culture } } : {}),
})}
${languageSelect(lang)}
<button type="submit">Continue</button>
</form>
</section>`;
}

export function entraStart(lang: PreviewLanguage, values: URLSearchParams): string {
  return layout('Create account', PRODUCT, emailForm(lang, values));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function entraSubmit(
  context: PreviewContext,
  lang: PreviewLanguage,
  values: URLSearchParams,
): Promise<string> {
  const locale = PREVIEW_LANGUAGES[lang].culture.toLowerCase();
  const email = values.get('email')?.trim() ?? '';
  const givenName = values.get('givenName')?.trim();
  const loyaltyId = values.get('loyaltyId')?.trim();
  const exchanges: Exchange[] = [];
  const token = await context.tokens.token(context.auth);
  const send = async (
    title: string,
    fn: string,
    event: { type: string },
  ): Promise<ExtensionOutcome> => {
    const url = apiUrl(context, fn);
    const outcome = await callExtension(url, event, token);
    exchanges.push({
      step: title,
      method: 'POST',
      url,
      headers: extensionHeaders(token),
      body: JSON.stringify(event),
      status: outcome.status,
      response: outcome.body,
      outcome:
        outcome.kind === 'action'
          ? `Action ${outcome.action}`
          : `Failure (${outcome.reason}): Entra shows its generic error.`,
    });
    return outcome;
  };
  const culture = PREVIEW_LANGUAGES[lang].culture;
  const failed = (outcome: ExtensionOutcome) =>
    layout(
      'Error',
      PRODUCT,
      errorPage(
        'Something went wrong',
        `Entra shows its generic error: the extension's answer was not one it accepts (${outcome.kind === 'failure' ? outcome.reason : outcome.action}).`,
        undefined,
        shownPanels(context, exchanges),
      ),
    );

  if (values.get('stage') === 'email') {
    const started = await send(
      'OnAttributeCollectionStart',
      'ValidateProfile',
      forTenant(attributeCollectionStart(email, {}, locale), context.auth.entraTenantId),
    );
    if (started.kind === 'failure') return failed(started);
    if (started.action === 'showBlockPage') {
      return layout(
        'Blocked',
        PRODUCT,
        blockPage(
          'Sign-up blocked',
          text(started.fields.message),
          culture,
          shownPanels(context, exchanges),
        ),
      );
    }
    const inputs = (started.fields.inputs ?? {}) as Record<string, unknown>;
    const prefill = Object.entries(inputs).find(([k]) => /(^|_)loyaltyId$/i.test(k));
    const page = new URLSearchParams(values);
    page.delete('stage');
    // what the person types: the demo's loyalty ID, else what Entra prefilled
    if (!page.get('loyaltyId') && prefill) page.set('loyaltyId', text(prefill[1]));
    const note = prefill
      ? `Entra prefilled the loyalty ID with ${text(prefill[1])} (setPrefillValues).`
      : undefined;
    return layout(
      'Create account',
      PRODUCT,
      `${form(lang, page, undefined, note)}\n${shownPanels(context, exchanges)}`,
    );
  }

  const attributes = {
    ...(givenName
      ? {
          givenName: {
            '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
            value: givenName,
            attributeType: 'builtIn',
          },
        }
      : {}),
    ...(loyaltyId ? loyaltyAttribute(loyaltyId) : {}),
  };
  const submitted = await send(
    'OnAttributeCollectionSubmit',
    'ValidateProfile',
    forTenant(attributeCollectionSubmit(email, attributes, locale), context.auth.entraTenantId),
  );
  if (submitted.kind === 'failure') return failed(submitted);
  if (submitted.action === 'showValidationError') {
    const errors = (submitted.fields.attributeErrors ?? {}) as Record<string, unknown>;
    const key = Object.keys(errors).find(
      (k) => /(^|_)loyaltyId$/i.test(k) || k === LOYALTY_ATTRIBUTE,
    );
    const error = {
      message: text(submitted.fields.message),
      loyaltyId: key === undefined ? undefined : text(errors[key]),
    };
    return layout(
      'Create account',
      PRODUCT,
      `${form(lang, values, error)}\n${shownPanels(context, exchanges)}`,
    );
  }
  if (submitted.action === 'showBlockPage') {
    return layout(
      'Blocked',
      PRODUCT,
      blockPage(
        'Sign-up blocked',
        text(submitted.fields.message),
        culture,
        shownPanels(context, exchanges),
      ),
    );
  }
  const modified = (submitted.fields.attributes ?? {}) as Record<string, unknown>;

  const objectId = randomUUID();
  const issued = await send(
    'OnTokenIssuanceStart',
    'EnrichToken',
    forTenant(
      tokenIssuanceStart({ id: objectId, mail: email }, locale),
      context.auth.entraTenantId,
    ),
  );
  if (issued.kind === 'failure') return failed(issued);
  const provided = (issued.fields.claims ?? {}) as Record<string, unknown>;
  const claims: Record<string, string> = { sub: objectId, tid: context.auth.entraTenantId, email };
  if (givenName) claims.given_name = givenName;
  for (const [name, value] of Object.entries(provided)) claims[name] = text(value);
  const promo = Object.entries(modified).find(([k]) => /promoCode$/i.test(k));
  return layout(
    'Token',
    PRODUCT,
    tokenPage(
      'The token Entra would issue',
      claims,
      `The claims the extension provided (provideClaimsForToken), mapped into the token by the claims-mapping policy${promo ? `; the sign-up stored ${promo[0]} = ${text(promo[1])}` : ''} (iss, aud, exp and the other standard claims left out).`,
      shownPanels(context, exchanges),
    ),
  );
}
