/** `npm run connect -- b2c`: keys, IEF apps, policies in order and user-flow connectors. */
import type { Subcommand } from '../common';

export const B2C_SUMMARY =
  'connect an Azure AD B2C tenant: policy keys, IEF apps, custom policies, API connectors';

export const runB2c: Subcommand = (_argv, context) => {
  context.io.err('not yet');
  return Promise.resolve(2);
};
