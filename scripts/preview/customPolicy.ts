/**
 * The B2C custom-policy sign-up: the kit's SignUpOrSignin (B2C_1A_signup_signin) as `npm run
 * policy` renders it for this host, run by the simulator. The sign-up page shows the fields of
 * the kit's LocalAccountSignUpWithLogonEmail; submitting runs the journey: REST-ValidateProfile
 * (its validation technical profile), then REST-GetProfile, then the token. A 409 shows its
 * userMessage in the page-level error area above the fields, as B2C's self-asserted page does.
 */
import { randomUUID } from 'node:crypto';
import { PREVIEW_LANGUAGES, type PreviewLanguage } from './choices';
import { shownPanels, type PreviewContext } from './context';
import {
  errorPage,
  escapeHtml,
  field,
  languageSelect,
  layout,
  pageError,
  tokenPage,
  type Exchange,
} from './html';
import { runJourney, type JourneyCall, type JourneyOutcome } from './simulators/b2c';

const PRODUCT = 'Azure AD B2C · custom policy';
const SIGN_UP_PAGE = 'LocalAccountSignUpWithLogonEmail';
const TENANT_OBJECT_ID = 'f06c2fe8-709f-4030-85dc-38a4bfd9e82d';

const LABELS: Readonly<Record<string, string>> = {
  email: 'Email Address',
  newPassword: 'New Password',
  reenterPassword: 'Confirm New Password',
  displayName: 'Display Name',
  givenName: 'Given Name',
  surName: 'Surname',
  loyaltyId: 'Loyalty ID',
};

function exchange(call: JourneyCall): Exchange {
  const { outcome } = call;
  return {
    step: `Step ${call.step}, ${call.technicalProfile}`,
    method: outcome.request.method,
    url: outcome.request.url,
    headers: outcome.request.headers,
    body: outcome.request.body,
    status: outcome.status,
    response: outcome.body,
    outcome:
      outcome.kind === 'claims'
        ? `Output claims: ${JSON.stringify(outcome.claims)}`
        : outcome.kind === 'pageError'
          ? 'HTTP 409: B2C shows the userMessage on the page.'
          : `Failure (${outcome.reason}): B2C shows "${outcome.shownToUser}".`,
  };
}

function signUpForm(
  context: PreviewContext,
  lang: PreviewLanguage,
  values: URLSearchParams,
  error: string | undefined,
): string {
  const page = context.policies().technicalProfile(SIGN_UP_PAGE);
  const fromValidation = new Set(
    (page?.validationTechnicalProfiles ?? []).flatMap(
      (id) =>
        context
          .policies()
          .technicalProfile(id)
          ?.outputClaims.map((c) => c.claimTypeReferenceId) ?? [],
    ),
  );
  const fields = (page?.outputClaims ?? [])
    .filter((c) => !fromValidation.has(c.claimTypeReferenceId) && LABELS[c.claimTypeReferenceId])
    .map((c) => {
      const name = c.claimTypeReferenceId;
      const password = name.toLowerCase().includes('password');
      return field({
        name,
        label: LABELS[name] ?? name,
        type: password ? 'password' : name === 'email' ? 'email' : 'text',
        value: values.get(name) ?? '',
        required: c.required,
        autocomplete: password ? 'new-password' : name === 'email' ? 'email' : 'off',
      });
    });
  return `<section class="card" aria-labelledby="title">
<h1 id="title">Sign up with your email address</h1>
<p class="hint">The kit's <code>SignUpOrSignin</code> (<code>B2C_1A_signup_signin</code>), rendered for this host with <code>--auth ${escapeHtml(context.auth.policyAuth)}</code>.</p>
<form method="post" action="/preview/custom-policy">
${pageError(error, PREVIEW_LANGUAGES[lang].culture)}
${fields.join('\n')}
${languageSelect(lang)}
<button type="submit">Create</button>
</form>
</section>`;
}

export function customPolicyStart(
  context: PreviewContext,
  lang: PreviewLanguage,
  values: URLSearchParams,
): string {
  return layout('Sign up', PRODUCT, signUpForm(context, lang, values, undefined));
}

export async function customPolicySubmit(
  context: PreviewContext,
  lang: PreviewLanguage,
  form: URLSearchParams,
): Promise<string> {
  const input: Record<string, string> = {};
  for (const name of Object.keys(LABELS)) {
    const value = form.get(name)?.trim();
    if (value) input[name] = value;
  }
  const objectId = randomUUID();
  const outcome: JourneyOutcome = await runJourney(context.policies(), {
    relyingParty: 'B2C_1A_signup_signin',
    // the sign-up link of the combined page, then the sign-up exchange
    choose: { 1: 'none', 2: 'SignUpWithLogonEmailExchange' },
    userInput: { [SIGN_UP_PAGE]: input },
    stubs: {
      // what the starter pack's AAD-UserWriteUsingLogonEmail adds once validation passed
      [SIGN_UP_PAGE]: {
        objectId,
        newUser: 'true',
        authenticationSource: 'localAccountAuthentication',
      },
      'AAD-UserReadUsingObjectId': {},
    },
    context: { culture: PREVIEW_LANGUAGES[lang].culture, tenantObjectId: TENANT_OBJECT_ID },
    ...(context.auth.policyCredentials ? { credentials: context.auth.policyCredentials } : {}),
  });
  const calls = shownPanels(context, outcome.calls.map(exchange));
  if (outcome.kind === 'pageError') {
    return layout(
      'Sign up',
      PRODUCT,
      `${signUpForm(context, lang, form, outcome.userMessage)}\n${calls}`,
    );
  }
  if (outcome.kind === 'errorToApplication') {
    return layout(
      'Error',
      PRODUCT,
      errorPage(
        'The journey ended',
        `B2C sends the error to the application (step ${outcome.step}, ${outcome.technicalProfile}):`,
        { text: outcome.userMessage, lang: PREVIEW_LANGUAGES[lang].culture },
        calls,
      ),
    );
  }
  return layout(
    'Token',
    PRODUCT,
    tokenPage(
      'The token B2C would issue',
      { tfp: 'B2C_1A_signup_signin', ...outcome.claims },
      `Issued by ${outcome.issuer}: the relying party's output claims (iss, aud, exp and the other standard claims left out).`,
      calls,
    ),
  );
}
