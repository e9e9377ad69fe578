/**
 * The B2C user-flow sign-up: the attribute collection page, then the API connectors at "Before
 * creating the user" (PostAttributeCollection → ValidateProfile) and "Before sending the token"
 * (PreTokenIssuance → EnrichToken), sent by the simulator as B2C sends them. A ValidationError
 * shows in the page-level error area above the fields, ShowBlockPage as a block page.
 */
import { randomUUID } from 'node:crypto';
import { PREVIEW_LANGUAGES, type PreviewLanguage } from './choices';
import { apiUrl, shownPanels, type PreviewContext } from './context';
import {
  blockPage,
  errorPage,
  field,
  languageSelect,
  layout,
  pageError,
  tokenPage,
  type Exchange,
} from './html';
import {
  callConnector,
  connectorHeaders,
  type ApiConnector,
  type ConnectorOutcome,
  type ConnectorStep,
  type UserAttributes,
  type UserFlow,
} from './simulators/userFlow';

const PRODUCT = 'Azure AD B2C · user flow';
const USER_FLOW = 'B2C_1_signup';

function exchange(step: string, connector: ApiConnector, outcome: ConnectorOutcome): Exchange {
  return {
    step,
    method: 'POST',
    url: connector.endpointUrl,
    headers: connectorHeaders(connector),
    body: JSON.stringify(outcome.request),
    status: outcome.status,
    response: outcome.body,
    outcome:
      outcome.kind === 'continue'
        ? `Continue, claims: ${JSON.stringify(outcome.claims)}`
        : outcome.kind === 'failure'
          ? `Failure (${outcome.reason}): B2C shows its generic error page.`
          : `${outcome.kind === 'blockPage' ? 'ShowBlockPage' : 'ValidationError'}: B2C shows the userMessage.`,
  };
}

function form(lang: PreviewLanguage, values: URLSearchParams, error: string | undefined): string {
  return `<section class="card" aria-labelledby="title">
<h1 id="title">Sign up</h1>
<p class="hint">User flow <code>${USER_FLOW}</code>, with API connectors before creating the user and before sending the token.</p>
<form method="post" action="/preview/user-flow">
${pageError(error, PREVIEW_LANGUAGES[lang].culture)}
${field({ name: 'email', label: 'Email Address', type: 'email', value: values.get('email') ?? '', required: true, autocomplete: 'email' })}
${field({ name: 'displayName', label: 'Display Name', value: values.get('displayName') ?? '', autocomplete: 'name' })}
${field({ name: 'loyaltyId', label: 'Loyalty ID', value: values.get('loyaltyId') ?? '', autocomplete: 'off' })}
${languageSelect(lang)}
<button type="submit">Create</button>
</form>
</section>`;
}

export function userFlowStart(lang: PreviewLanguage, values: URLSearchParams): string {
  return layout('Sign up', PRODUCT, form(lang, values, undefined));
}

export async function userFlowSubmit(
  context: PreviewContext,
  lang: PreviewLanguage,
  values: URLSearchParams,
): Promise<string> {
  const flow: UserFlow = {
    extensionsAppId: context.extensionsAppId,
    customAttributes: ['loyaltyId', 'promoCode', 'balance'],
    clientId: '93fd07aa-333c-409d-955d-96008fd08dd9',
    uiLocales: PREVIEW_LANGUAGES[lang].culture,
  };
  const connector = (fn: string): ApiConnector => ({
    endpointUrl: apiUrl(context, fn),
    ...(context.auth.connectorBasic ? { basic: context.auth.connectorBasic } : {}),
  });
  const email = values.get('email')?.trim() ?? '';
  const displayName = values.get('displayName')?.trim();
  const loyaltyId = values.get('loyaltyId')?.trim();
  const user: UserAttributes = {
    email,
    identities: [
      { signInType: 'emailAddress', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: email },
    ],
    ...(displayName ? { displayName } : {}),
    custom: loyaltyId ? { loyaltyId } : {},
  };
  const exchanges: Exchange[] = [];
  const call = async (title: string, fn: string, step: ConnectorStep, who: UserAttributes) => {
    const outcome = await callConnector(connector(fn), step, who, flow);
    exchanges.push(exchange(title, connector(fn), outcome));
    return outcome;
  };
  const culture = PREVIEW_LANGUAGES[lang].culture;
  const failed = (outcome: ConnectorOutcome) =>
    layout(
      'Error',
      PRODUCT,
      errorPage(
        'Something went wrong',
        `B2C shows its generic error page: the API connector's answer was not one it accepts (${outcome.kind === 'failure' ? outcome.reason : outcome.kind}).`,
        undefined,
        shownPanels(context, exchanges),
      ),
    );

  const collected = await call(
    'Before creating the user (PostAttributeCollection)',
    'ValidateProfile',
    'PostAttributeCollection',
    user,
  );
  if (collected.kind === 'validationError') {
    return layout(
      'Sign up',
      PRODUCT,
      `${form(lang, values, collected.userMessage)}\n${shownPanels(context, exchanges)}`,
    );
  }
  if (collected.kind === 'blockPage') {
    return layout(
      'Blocked',
      PRODUCT,
      blockPage(
        'You cannot sign up',
        collected.userMessage,
        culture,
        shownPanels(context, exchanges),
      ),
    );
  }
  if (collected.kind !== 'continue') return failed(collected);

  const objectId = randomUUID();
  const custom = { ...user.custom, ...collected.claims };
  const created: UserAttributes = { ...user, ...collected.claims, objectId, custom };
  const enriched = await call(
    'Before sending the token (PreTokenIssuance)',
    'EnrichToken',
    'PreTokenIssuance',
    created,
  );
  if (enriched.kind !== 'continue') return failed(enriched);
  const claims: Record<string, string | readonly string[]> = {
    sub: objectId,
    tfp: USER_FLOW,
    emails: [email],
  };
  if (created.displayName) claims.name = created.displayName;
  const returned: Record<string, string> = { ...custom, ...enriched.claims };
  for (const [name, value] of Object.entries(returned)) {
    if (value !== '')
      claims[flow.customAttributes.includes(name) ? `extension_${name}` : name] = value;
  }
  return layout(
    'Token',
    PRODUCT,
    tokenPage(
      'The token B2C would issue',
      claims,
      'The user attributes the user flow returns as application claims, custom attributes as extension_<Name> (iss, aud, exp and the other standard claims left out).',
      shownPanels(context, exchanges),
    ),
  );
}
