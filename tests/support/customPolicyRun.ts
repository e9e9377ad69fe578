/**
 * What the custom-policy end-to-end tests share: the host they run against (API_AUTH=apikey,basic
 * with the credentials the policy keys would hold), the texts they expect, and the policy in each
 * variant (the shipped files, and one rendering per SendClaimsIn).
 */
import { SEND_CLAIMS_IN } from '../../scripts/policy';
import { afterAll, beforeAll } from 'vitest';
import {
  callRestProfile,
  PolicySet,
  runJourney,
  type Claims,
  type JourneyOptions,
  type RestCallOptions,
} from '../../scripts/preview/simulators/b2c';
import type { RunningHost } from './host';
import { render, shippedPolicies } from './policyKit';
import { startPolicyHost } from './policyHost';

/** The secrets the host checks (API_AUTH=apikey,basic), as the policy keys would hold them. */
export const CREDENTIALS = {
  apiKey: 'policy-e2e-api-key-0123456789',
  username: 'b2c-policy',
  password: 'policy-e2e-password',
} as const;

/** Starts the host for the calling test file and stops it after; the accessor reads it. */
export function useCustomPolicyHost(): () => RunningHost {
  let host: RunningHost | undefined;
  beforeAll(async () => {
    host = await startCustomPolicyHost();
  });
  afterAll(async () => {
    await host?.stop();
  });
  return () => {
    if (host === undefined) throw new Error('the policy host has not started');
    return host;
  };
}

function startCustomPolicyHost(): Promise<RunningHost> {
  return startPolicyHost('Policy', {
    API_AUTH: 'apikey,basic',
    API_KEY: CREDENTIALS.apiKey,
    BASIC_AUTH_USERNAME: CREDENTIALS.username,
    BASIC_AUTH_PASSWORD: CREDENTIALS.password,
    // these tests get many loyalty IDs wrong on purpose
    MAX_FAILED_VALIDATIONS: '1000',
  });
}

export const EMILY = 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7';
export const MEMBER_WITH_BALANCE = '11111111-0000-0000-0000-000000000000';
export const NOT_ASSOCIATED_EN =
  "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.";
export const NOT_ASSOCIATED_FR =
  "L'identifiant de fidélité '1234' n'est pas associé à l'adresse e-mail 'david@contoso.com'.";
/** What the user types in the sign-up page's two password boxes (both Required). */
export const PASSWORDS = {
  newPassword: 'Sp!ng-24-pass',
  reenterPassword: 'Sp!ng-24-pass',
} as const;
export const CANNOT_CHECK =
  "We can't check your loyalty ID right now. Please try again in a moment.";

export interface Variant {
  readonly policies: PolicySet;
  readonly options: RestCallOptions;
}

/** The shipped files as they are (Body), sent to the host; or rendered for the host per mode. */
export const VARIANTS = ['shipped', ...SEND_CLAIMS_IN] as const;

export function variant(name: (typeof VARIANTS)[number], host: RunningHost): Variant {
  if (name === 'shipped') {
    return {
      policies: new PolicySet(shippedPolicies()),
      options: { redirectTo: host.baseUrl, credentials: CREDENTIALS },
    };
  }
  return {
    policies: new PolicySet(render({ baseUrl: host.baseUrl, auth: 'apikey', sendClaimsIn: name })),
    options: { credentials: CREDENTIALS },
  };
}

/** One variant's calls inside its describe block (the variant is made once the host runs). */
export function variantCalls(name: (typeof VARIANTS)[number], host: () => RunningHost) {
  let made: Variant | undefined;
  beforeAll(() => {
    made = variant(name, host());
  });
  const v = (): Variant => {
    if (made === undefined) throw new Error('the variant is made in beforeAll');
    return made;
  };
  return {
    v,
    validate: (claims: Claims, culture = 'en-US') =>
      callRestProfile(v().policies.restProfile('REST-ValidateProfile'), claims, v().policies, {
        ...v().options,
        context: { culture },
      }),
    getProfile: (claims: Claims) =>
      callRestProfile(
        v().policies.restProfile('REST-GetProfile'),
        claims,
        v().policies,
        v().options,
      ),
    journey: (options: Omit<JourneyOptions, 'redirectTo' | 'credentials'>) =>
      runJourney(v().policies, { ...v().options, ...options }),
  };
}
