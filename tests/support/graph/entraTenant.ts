/**
 * An Entra External ID tenant in the Graph stand-in for `connect entra` tests: the directory,
 * extension, listener and user-flow routes, one client application and one sign-up user flow;
 * and the command line that connects it.
 */
import { addClientApp, entraDirectoryRoutes } from './entraDirectoryRoutes';
import { addUserFlow, entraFlowRoutes } from './entraFlowRoutes';
import { entraPolicyRoutes } from './entraPolicyRoutes';
import { entraRoutes } from './entraRoutes';
import { runConnect } from './runConnect';
import { startGraphStandIn, type GraphStandIn, type RecordedRequest } from './standIn';

export const ENTRA_TENANT_ID = '2f4a9b5c-1d3e-4f60-8a7b-9c0d1e2f3a4b';
export const API_BASE_URL = 'https://contoso-loyalty.azurewebsites.net';

export interface EntraTenant {
  readonly graph: GraphStandIn;
  /** The client application's appId (the --app). */
  readonly clientAppId: string;
  readonly clientSpId: string;
  readonly userFlowId: string;
  /** `connect entra` for this tenant, with these extra arguments. */
  connect(extra?: readonly string[], baseUrl?: string): ReturnType<typeof runConnect>;
  /** Writes other than validateAuthenticationConfiguration (a read-only action). */
  writes(): RecordedRequest[];
}

export async function startEntraTenant(): Promise<EntraTenant> {
  const graph = await startGraphStandIn({
    routes: [entraDirectoryRoutes, entraPolicyRoutes, entraRoutes, entraFlowRoutes],
  });
  const { app, sp } = addClientApp(graph.store, 'Contoso web shop', {
    oauth2PermissionScopes: [],
    requestedAccessTokenVersion: 2,
  });
  const flow = addUserFlow(graph.store, 'Sign up and sign in');
  const clientAppId = String(app.appId);
  return {
    graph,
    clientAppId,
    clientSpId: sp.id,
    userFlowId: flow.id,
    connect: (extra = [], baseUrl = API_BASE_URL) =>
      runConnect(graph, [
        'entra',
        '--tenant-id',
        ENTRA_TENANT_ID,
        '--base-url',
        baseUrl,
        '--app',
        clientAppId,
        '--user-flow',
        flow.id,
        ...extra,
      ]),
    writes: () =>
      graph.writes().filter((w) => !w.path.endsWith('/validateAuthenticationConfiguration')),
  };
}

/** The `NAME=value` lines the command prints for the API. */
export function printedSettings(stdout: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const match of stdout.matchAll(/^([A-Z_]+)=(\S+)$/gm)) {
    settings[match[1] ?? ''] = match[2] ?? '';
  }
  return settings;
}
