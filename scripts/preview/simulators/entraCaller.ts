/**
 * Plays Microsoft Entra External ID's part for a custom authentication extension: posts an
 * event (entraEvents.ts builds them as Microsoft's reference pages show) with Entra's bearer
 * token, waits as long as Entra does (2 s at most), and reads the answer as Entra does: HTTP
 * 200, `data.@odata.type` the event's response type, one action of that event's own types.
 * Anything else is a failure (Entra shows its generic error, or goes on without claims).
 */
import { notAnswered, postJson } from './postJson';

export type EntraEventName =
  'tokenIssuanceStart' | 'attributeCollectionStart' | 'attributeCollectionSubmit';

const RESPONSE_TYPE: Readonly<Record<EntraEventName, string>> = {
  tokenIssuanceStart: 'microsoft.graph.onTokenIssuanceStartResponseData',
  attributeCollectionStart: 'microsoft.graph.onAttributeCollectionStartResponseData',
  attributeCollectionSubmit: 'microsoft.graph.onAttributeCollectionSubmitResponseData',
};

export type ExtensionOutcome =
  | {
      readonly kind: 'action';
      /** The action's type without its event prefix, e.g. showValidationError. */
      readonly action: string;
      readonly body: Record<string, unknown>;
      readonly fields: Readonly<Record<string, unknown>>;
      readonly status: number;
    }
  | {
      readonly kind: 'failure';
      readonly reason: string;
      readonly status?: number;
      readonly body?: unknown;
    };

/** The headers Entra sends with an event. */
export function extensionHeaders(bearerToken: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: `Bearer ${bearerToken}` };
}

function eventName(event: { type: string }): EntraEventName {
  const name = event.type.replace(/^microsoft\.graph\.authenticationEvent\./, '');
  if (!(name in RESPONSE_TYPE))
    throw new Error(`the simulator does not model the event ${event.type}`);
  return name as EntraEventName;
}

/** Sends one event to the extension's target URL and reads the answer as Entra would. */
export async function callExtension(
  targetUrl: string,
  event: { readonly type: string },
  bearerToken: string,
  timeoutMs = 2000,
): Promise<ExtensionOutcome> {
  const name = eventName(event);
  const answer = await postJson(targetUrl, extensionHeaders(bearerToken), event, timeoutMs);
  if (!answer.ok) return { kind: 'failure', ...notAnswered(answer) };
  const { status, body } = answer;
  const fail = (reason: string): ExtensionOutcome => ({ kind: 'failure', reason, status, body });
  if (status !== 200) return fail(`HTTP ${status}`);
  const data = (body as { data?: { '@odata.type'?: unknown; actions?: unknown } } | null)?.data;
  if (data?.['@odata.type'] !== RESPONSE_TYPE[name]) {
    return fail(`data.@odata.type is not ${RESPONSE_TYPE[name]}`);
  }
  const actions = Array.isArray(data.actions) ? (data.actions as unknown[]) : [];
  const action = actions[0] as Record<string, unknown> | undefined;
  const type = action?.['@odata.type'];
  const prefix = `microsoft.graph.${name}.`;
  if (actions.length !== 1 || typeof type !== 'string' || !type.startsWith(prefix)) {
    return fail(`expected one action of ${prefix}*`);
  }
  return {
    kind: 'action',
    action: type.slice(prefix.length),
    body: body as Record<string, unknown>,
    fields: action ?? {},
    status,
  };
}
