/** The command line of `npm run connect -- entra`: its options, checked, and its usage. */
import type { EntraEvent } from '../../../shared/dialects/entra/event';
import { parseBaseUrl, parseGuid } from '../../policy/args';
import { UsageError } from '../../policy/model';
import { COMMON_USAGE, parseConnectArgs } from '../common';

export const ENTRA_EVENTS: readonly EntraEvent[] = [
  'tokenIssuanceStart',
  'attributeCollectionStart',
  'attributeCollectionSubmit',
];

/** Entra's bounds of `clientConfiguration.timeoutInMilliseconds`. */
export const TIMEOUT_MIN_MS = 200;
export const TIMEOUT_MAX_MS = 2000;

export interface EntraOptions {
  readonly tenantId: string;
  /** The Function App, https, without a trailing slash. */
  readonly baseUrl: string;
  /** Its host name: the API's identifier URI is api://<host>/<appId>. */
  readonly host: string;
  /** The client applications (appId) whose sign-ups and tokens use the API. */
  readonly apps: readonly string[];
  readonly events: readonly EntraEvent[];
  /** The sign-up user flow (authenticationEventsFlow id) for the attribute-collection events. */
  readonly userFlow?: string | undefined;
  readonly timeoutMs: number;
  readonly acceptMappedClaims: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
  readonly deviceCode: boolean;
}

export const ENTRA_USAGE = `Usage: npm run connect -- entra --tenant-id GUID --base-url URL --app APP_ID [options]

Wires a Microsoft Entra External ID tenant to the deployed API through Microsoft Graph: the API's
app registration (identifier URI, token version 2, CustomAuthenticationExtension.Receive.Payload
with admin consent), one custom authentication extension per event, the token-issuance listener
of the --app applications, the attribute-collection handlers of the sign-up user flow, and a
claims-mapping policy for the token claims. Prints the plan first; writes only what differs.

Required:
  --tenant-id GUID      the External ID tenant
  --base-url URL        the Function App, e.g. https://contoso-api.azurewebsites.net
  --app APP_ID          a client application whose tokens get the claims (repeat for several;
                        needed for tokenIssuanceStart)
  --user-flow ID        the sign-up user flow (needed for the attribute-collection events)

Options:
  --events LIST         any of tokenIssuanceStart, attributeCollectionStart,
                        attributeCollectionSubmit, comma-separated (default all three)
  --timeout-ms N        how long Entra waits for the API, 200-2000 (default 2000)
  --accept-mapped-claims
                        set api.acceptMappedClaims on each --app (else a step left to do by hand)
${COMMON_USAGE}

Exit codes: 0 done (or nothing to do), 1 a Graph call or the extension validation failed,
2 bad arguments or an --app / --user-flow that does not exist.`;

const OPTIONS = {
  'tenant-id': { type: 'string' },
  'base-url': { type: 'string' },
  app: { type: 'string', multiple: true },
  events: { type: 'string' },
  'user-flow': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'accept-mapped-claims': { type: 'boolean' },
} as const;

function parseEvents(text: string | undefined): EntraEvent[] {
  if (text === undefined) return [...ENTRA_EVENTS];
  const events: EntraEvent[] = [];
  for (const word of text.split(',').map((w) => w.trim())) {
    if (word === '') continue;
    const found = ENTRA_EVENTS.find((e) => e.toLowerCase() === word.toLowerCase());
    if (found === undefined) {
      throw new UsageError(`--events: '${word}' is not one of ${ENTRA_EVENTS.join(', ')}`);
    }
    if (!events.includes(found)) events.push(found);
  }
  if (events.length === 0) throw new UsageError(`--events: name at least one event`);
  return ENTRA_EVENTS.filter((e) => events.includes(e));
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return TIMEOUT_MAX_MS;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < TIMEOUT_MIN_MS || value > TIMEOUT_MAX_MS) {
    throw new UsageError(
      `--timeout-ms must be a whole number of milliseconds from ${TIMEOUT_MIN_MS} to ${TIMEOUT_MAX_MS} (got '${text}')`,
    );
  }
  return value;
}

/** The options, or 'help'; a UsageError names what is wrong. */
export function parseEntraArgs(argv: readonly string[]): EntraOptions | 'help' {
  const { common, values } = parseConnectArgs(argv, OPTIONS);
  if (common.help) return 'help';
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const required = (name: string): string => {
    const value = text(name);
    if (value === undefined || value.trim() === '') {
      throw new UsageError(`--${name} is required (npm run connect -- entra --help)`);
    }
    return value;
  };
  const tenantId = parseGuid('tenant-id', required('tenant-id'));
  const { url: baseUrl } = parseBaseUrl(required('base-url'));
  const host = new URL(baseUrl).host;
  if (!baseUrl.startsWith('https://')) {
    throw new UsageError(`--base-url must be https://: Entra calls only HTTPS endpoints`);
  }
  const events = parseEvents(text('events'));
  const given = values.app;
  const appTexts = (Array.isArray(given) ? given : []).filter((a) => typeof a === 'string');
  const apps = [...new Set(appTexts.map((a) => parseGuid('app', a)))];
  if (events.includes('tokenIssuanceStart') && apps.length === 0) {
    throw new UsageError(
      '--app is required for tokenIssuanceStart: the client application(s) whose tokens get the claims',
    );
  }
  const userFlowText = text('user-flow')?.trim();
  const attributeEvents = events.filter((e) => e !== 'tokenIssuanceStart');
  if (attributeEvents.length > 0 && (userFlowText === undefined || userFlowText === '')) {
    throw new UsageError(
      `--user-flow is required for ${attributeEvents.join(' and ')}: the sign-up user flow's id`,
    );
  }
  if (userFlowText !== undefined && !/^[A-Za-z0-9-]{1,128}$/.test(userFlowText)) {
    throw new UsageError(`--user-flow '${userFlowText}' is not a user flow id`);
  }
  return {
    tenantId,
    baseUrl,
    host,
    apps,
    events,
    userFlow: attributeEvents.length > 0 ? userFlowText : undefined,
    timeoutMs: parseTimeout(text('timeout-ms')),
    acceptMappedClaims: values['accept-mapped-claims'] === true,
    dryRun: common.dryRun,
    yes: common.yes,
    json: common.json,
    deviceCode: common.deviceCode,
  };
}
