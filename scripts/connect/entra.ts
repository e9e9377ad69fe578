/** `npm run connect -- entra`: a stub until issue 21 lands (replaced by its own module). */
import type { Subcommand } from './common';

export const ENTRA_SUMMARY =
  'connect an Entra External ID tenant (custom authentication extensions)';

export const runEntra: Subcommand = (_argv, context) => {
  context.io.err('`npm run connect -- entra` is not available yet.');
  return Promise.resolve(2);
};
