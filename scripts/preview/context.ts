/** What every journey page needs: where the API is, how to authenticate, the rendered kit. */
import { join } from 'node:path';
import { loadTemplates, renderPolicies } from '../policy';
import { callerAuth, EntraTokens, redactHeaders, type CallerAuth } from './callers';
import { panels, type Exchange } from './html';
import { PolicySet } from './simulators/b2c';
import type { Env } from '../../shared/env';

export interface PreviewContext {
  /** The host's own origin, e.g. http://127.0.0.1:7071 (the API answers there). */
  readonly origin: string;
  readonly routePrefix: string;
  readonly auth: CallerAuth;
  readonly tokens: EntraTokens;
  /**
   * The kit (policies/*.xml) as `npm run policy` renders it for this host: read when the custom
   * policy journey first needs it (a copy of the app without policies/ still starts).
   */
  policies(): PolicySet;
  readonly extensionsAppId: string;
}

/** The b2c-extensions-app id the user flow uses when EXTENSIONS_APP_ID is not set. */
const PREVIEW_EXTENSIONS_APP_ID = 'b2c0e7a1-5c8e-4a7e-9d3c-0123456789ab';

export interface PreviewSetup {
  readonly appRoot: string;
  readonly routePrefix: string;
  readonly env: Env;
}

/** Built once per origin (the port is known only once the host listens). */
export async function previewContexts(
  setup: PreviewSetup,
): Promise<(origin: string) => PreviewContext> {
  const auth = callerAuth(setup.env);
  const tokens = await EntraTokens.create();
  const made = new Map<string, PreviewContext>();
  return (origin) => {
    let context = made.get(origin);
    if (context === undefined) {
      let policies: PolicySet | undefined;
      context = {
        origin,
        routePrefix: setup.routePrefix,
        auth,
        tokens,
        policies() {
          const templates = loadTemplates(join(setup.appRoot, 'policies'));
          policies ??= new PolicySet(
            renderPolicies(templates, {
              baseUrl: origin,
              auth: auth.policyAuth,
              apiKeyHeader: auth.apiKeyHeader,
            }).files,
          );
          return policies;
        },
        extensionsAppId: setup.env.EXTENSIONS_APP_ID?.trim() || PREVIEW_EXTENSIONS_APP_ID,
      };
      made.set(origin, context);
    }
    return context;
  };
}

export function apiUrl(context: PreviewContext, fn: string): string {
  return `${context.origin}/${context.routePrefix ? `${context.routePrefix}/` : ''}${fn}`;
}

/** The panels for these exchanges, secrets redacted. */
export function shownPanels(context: PreviewContext, exchanges: readonly Exchange[]): string {
  return panels(
    exchanges.map((e) => ({ ...e, headers: redactHeaders(e.headers, context.auth.secretHeaders) })),
  );
}
