/**
 * The moments of a sign-up or sign-in at which the identity service asks the API, in the
 * product's own words (each dialect reads its own names into these):
 * - `beforeSignUp`: a new user is about to enter their attributes (e.g. after federating with
 *   an identity provider): the loyalty ID can be pre-filled, or the sign-up stopped;
 * - `afterAttributeCollection`: the user has entered their attributes, before the account is
 *   created: they can be validated;
 * - `beforeToken`: the token is about to be issued: claims can be added, nothing refused.
 * A call without a step is a direct call: the policy calls the API at a place it chose and sends
 * the claims it declared.
 */
export type JourneyStep = 'beforeSignUp' | 'afterAttributeCollection' | 'beforeToken';

/**
 * The step's name in logs and telemetry (`step`): the names the API has always recorded (B2C's
 * user-flow spellings), kept so that queries and dashboards read the same.
 */
const LABELS: Readonly<Record<JourneyStep, string>> = {
  beforeSignUp: 'PostFederationSignup',
  afterAttributeCollection: 'PostAttributeCollection',
  beforeToken: 'PreTokenIssuance',
};

export function stepLabel(step: JourneyStep): string;
export function stepLabel(step: JourneyStep | undefined): string | undefined;
export function stepLabel(step: JourneyStep | undefined): string | undefined {
  return step === undefined ? undefined : LABELS[step];
}
