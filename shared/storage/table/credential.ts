/**
 * The Microsoft Entra credential for Table Storage: @azure/identity's DefaultAzureCredential
 * (the managed identity in Azure, `AZURE_CLIENT_ID` or the given client id for a user-assigned
 * one; the Azure CLI sign-in on an operator's machine). @azure/identity is loaded on the first
 * token request, so an app on a connection string never loads it. Its retries are kept short:
 * a failing identity endpoint costs a request a fraction of a second, not 20 s (the request's
 * deadline cannot cancel the credential; the token cache means one fetch serves every request).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { TablesAccess } from './access';
import { tableEndpoint, type TablesTarget } from './connection';

/** A token is used until this long before it expires (the SDK's own refresh margin is 2 min). */
const REFRESH_MARGIN_MS = 5 * 60_000;

export function entraCredential(clientId: string | undefined): TokenCredential {
  let credential: TokenCredential | undefined;
  // Every table client asks at its first call: one fetch serves them all, and the token is kept.
  let cached: { scopes: string; token: AccessToken } | undefined;
  let pending: { scopes: string; token: Promise<AccessToken | null> } | undefined;
  const fetchToken = (scopes: string | string[], options?: GetTokenOptions) => {
    if (credential === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const identity = require('@azure/identity') as typeof import('@azure/identity');
      credential = new identity.DefaultAzureCredential({
        ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
        retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 500 },
      });
    }
    return credential.getToken(scopes, options);
  };
  return {
    async getToken(scopes, options) {
      const key = [scopes].flat().join(' ');
      if (
        cached?.scopes === key &&
        cached.token.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS
      ) {
        return cached.token;
      }
      if (pending?.scopes !== key) {
        const token = fetchToken(scopes, options).finally(() => {
          if (pending?.token === token) pending = undefined;
        });
        pending = { scopes: key, token };
      }
      const token = await pending.token;
      if (token !== null) cached = { scopes: key, token };
      return token;
    },
  };
}

/** The table target of the configured access: one credential (and token cache) for all. */
export function tablesTarget(access: TablesAccess): TablesTarget {
  return access.kind === 'connectionString'
    ? { connectionString: access.connectionString }
    : { endpoint: access.endpoint, credential: entraCredential(access.clientId) };
}

/** Where the tables are and how they are reached, for the start-up log: never a key or token. */
export function describeTables(access: TablesAccess): string {
  if (access.kind === 'identity') {
    const who =
      access.clientId === undefined
        ? 'DefaultAzureCredential'
        : `DefaultAzureCredential, user-assigned identity ${access.clientId}`;
    return `Table Storage at ${access.endpoint} with a Microsoft Entra token (${who}; from ${access.from})`;
  }
  if (access.from === 'default' || /usedevelopmentstorage=true/i.test(access.connectionString)) {
    return `development storage (Azurite on 127.0.0.1:10002; from ${access.from === 'default' ? 'the default' : access.from})`;
  }
  return `Table Storage at ${tableEndpoint(access.connectionString)} with a connection string (from ${access.from})`;
}
