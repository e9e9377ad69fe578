/**
 * The first link of the chain: the caller check (API_AUTH), within the request's deadline. A
 * refused caller gets 401 with a generic body in its dialect (a user-flow connector's
 * ValidationError shape, the API's error body for everyone else; the body is read for
 * that only once the caller is refused) and the configured schemes' challenges; the precise
 * reason goes to the log only (it never holds the secret), as an aggregate
 * (refusals.ts): once per distinct reason and minute, and one CallerRefused event a minute.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError } from '../contract/errors';
import { readClaims } from '../contract/requests';
import type { DialectAdapter } from '../dialects/registry';
import type { Deps } from '../deps';
import { chooseLanguage } from '../i18n/language';
import { message } from '../i18n/messages';
import { dialectsOf, tag } from './call';
import type { Deadline } from './deadline';
import { RefusalLog } from './refusals';

/** One aggregate per app (per set of deps), made on the first refusal. */
const refusalLogs = new WeakMap<Deps, RefusalLog>();

function refusalLog(deps: Deps): RefusalLog {
  let log = refusalLogs.get(deps);
  if (log === undefined) {
    log = new RefusalLog(deps.telemetry);
    refusalLogs.set(deps, log);
  }
  return log;
}

/** Undefined when the caller may go on; the 401 answer otherwise. */
export async function checkCaller(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
  deadline: Deadline,
): Promise<HttpResponseInit | undefined> {
  const caller = await deps.authenticator.authenticate(request, deadline.signal);
  // A dialect's own budget (Entra's) is tightened in one place, when the call is read (call.ts);
  // the entra check's own wait for keys is bounded by the same budget (authenticate.ts).
  if (caller.ok) return undefined;
  refusalLog(deps).refused(caller.reasons.join('; '), (text) => context.warn(tag(context, text)));
  const error = new ApiError('Unauthorized', 401, 'The caller could not be authenticated.');
  const language = chooseLanguage(
    { acceptLanguage: request.headers.get('accept-language') },
    deps.config.defaultLanguage,
  ).language;
  const dialect = await refusedDialect(request, deps);
  const response = dialect.error(
    error,
    message(language, error.userMessageKey),
    context.invocationId,
  );
  if (caller.challenges.length > 0) {
    response.headers = {
      ...(response.headers as Record<string, string>),
      'www-authenticate': caller.challenges.join(', '),
    };
  }
  return response;
}

/** The dialect of a refused call, from its claims; unreadable claims read as the fallback's. */
async function refusedDialect(request: HttpRequest, deps: Deps): Promise<DialectAdapter> {
  const dialects = dialectsOf(deps);
  try {
    const raw = await readClaims(request);
    return raw.ok ? dialects.recogniseRefused(raw.value) : dialects.fallback;
  } catch {
    return dialects.fallback;
  }
}
