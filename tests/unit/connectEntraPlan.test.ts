/**
 * The pure part of `connect entra`: its options, and what it finds different between what the
 * tenant holds and what it wants (keeping what it does not manage).
 */
import { describe, expect, it } from 'vitest';
import {
  claimsPolicyDefinition,
  extensionBody,
  GRAPH_APP_ID,
  requestBudgetMs,
} from '../../scripts/connect/entra/desired';
import {
  apiAppChange,
  claimsPolicyChange,
  extensionChange,
  flowHandlerChange,
  listenerChange,
} from '../../scripts/connect/entra/diff';
import { parseEntraArgs, type EntraOptions } from '../../scripts/connect/entra/options';

const TENANT = '2f4a9b5c-1d3e-4f60-8a7b-9c0d1e2f3a4b';
const APP = '7156b560-d7cc-4bc8-b460-349e8366dee3';
const ROLE = '214e810f-fda8-4fd7-a475-29461495eb00';
const uri = (appId: string): string => `api://api.contoso.com/${appId}`;
const base = ['--tenant-id', TENANT, '--base-url', 'https://api.contoso.com/', '--app', APP];

function options(extra: string[] = []): EntraOptions {
  const parsed = parseEntraArgs([...base, '--user-flow', 'flow-1', ...extra]);
  if (parsed === 'help') throw new Error('help');
  return parsed;
}

describe('connect entra options', () => {
  it('defaults to all three events, 2000 ms and no acceptMappedClaims', () => {
    expect(options()).toMatchObject({
      baseUrl: 'https://api.contoso.com',
      host: 'api.contoso.com',
      apps: [APP],
      events: ['tokenIssuanceStart', 'attributeCollectionStart', 'attributeCollectionSubmit'],
      timeoutMs: 2000,
      acceptMappedClaims: false,
    });
  });

  it.each([
    [
      ['--timeout-ms', '199'],
      '--timeout-ms must be a whole number of milliseconds from 200 to 2000',
    ],
    [['--timeout-ms', '2001'], '--timeout-ms must be'],
    [['--events', 'emailOtpSend'], "--events: 'emailOtpSend' is not one of"],
    [['--app', 'not-a-guid'], "--app 'not-a-guid' is not a GUID"],
    [['--evnts', 'x'], 'Did you mean --events?'],
  ])('refuses %j', (extra, message) => {
    expect(() => options(extra)).toThrow(message);
  });

  it('needs --user-flow for the attribute-collection events, and not for tokenIssuanceStart alone', () => {
    expect(() => parseEntraArgs(base)).toThrow(
      '--user-flow is required for attributeCollectionStart and attributeCollectionSubmit',
    );
    expect(parseEntraArgs([...base, '--events', 'tokenIssuanceStart'])).toMatchObject({
      userFlow: undefined,
    });
  });

  it('needs --app for tokenIssuanceStart, and an https base URL', () => {
    expect(() =>
      parseEntraArgs([
        '--tenant-id',
        TENANT,
        '--base-url',
        'https://x.contoso.com',
        '--events',
        'tokenIssuanceStart',
      ]),
    ).toThrow('--app is required');
    expect(() =>
      parseEntraArgs([
        '--tenant-id',
        TENANT,
        '--base-url',
        'http://localhost:7071',
        '--app',
        APP,
        '--events',
        'tokenIssuanceStart',
      ]),
    ).toThrow('--base-url must be https://');
  });

  it('sets ENTRA_REQUEST_BUDGET_MS below every timeout Entra allows', () => {
    for (let timeout = 200; timeout <= 2000; timeout += 1) {
      const budget = requestBudgetMs(timeout);
      expect(budget).toBeLessThan(timeout);
      expect(budget).toBeGreaterThanOrEqual(50);
    }
    expect(requestBudgetMs(2000)).toBe(1500);
  });
});

describe('what connect entra changes', () => {
  it('updates an app registration found by its identifier URI, keeping what it does not manage', () => {
    const other = {
      resourceAppId: 'aaaaaaaa-0000-4000-8000-000000000000',
      resourceAccess: [{ id: 'x', type: 'Scope' }],
    };
    const graphDelegated = {
      resourceAppId: GRAPH_APP_ID,
      resourceAccess: [{ id: 'openid', type: 'Scope' }],
    };
    const change = apiAppChange(
      {
        id: 'o1',
        appId: APP,
        identifierUris: [`api://api.contoso.com/${APP}`],
        api: { requestedAccessTokenVersion: null, oauth2PermissionScopes: [{ id: 's' }] },
        requiredResourceAccess: [other, graphDelegated],
      },
      ROLE,
      uri,
    );
    expect(change.action).toBe('update');
    expect(change.patch).toEqual({
      api: { requestedAccessTokenVersion: 2, oauth2PermissionScopes: [{ id: 's' }] },
      requiredResourceAccess: [
        other,
        {
          resourceAppId: GRAPH_APP_ID,
          resourceAccess: [
            { id: 'openid', type: 'Scope' },
            { id: ROLE, type: 'Role' },
          ],
        },
      ],
    });
    expect(apiAppChange(undefined, ROLE, uri).action).toBe('create');
    const unnamed = apiAppChange({ id: 'o1', appId: APP, identifierUris: [] }, ROLE, uri);
    expect(unnamed.patch).toMatchObject({ identifierUris: [`api://api.contoso.com/${APP}`] });
  });

  it('updates only the parts of an extension that differ; claims in another order are the same', () => {
    const want = extensionBody(options(), 'tokenIssuanceStart', `api://api.contoso.com/${APP}`);
    const found = {
      ...want,
      id: 'e1',
      clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1 },
      claimsForTokenConfiguration: [
        { claimIdInApiResponse: 'promoCode' },
        { claimIdInApiResponse: 'balance' },
        { claimIdInApiResponse: 'loyaltyId' },
      ],
    };
    const change = extensionChange(found, want);
    expect(change).toMatchObject({
      action: 'update',
      why: 'timeout 1000 ms, retries 1 → 2000 ms, 1',
    });
    expect(change.patch).toEqual({
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartCustomExtension',
      clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 },
    });
    expect(
      extensionChange({ ...found, clientConfiguration: want.clientConfiguration }, want).action,
    ).toBe('unchanged');
    expect(
      extensionChange(
        { ...found, claimsForTokenConfiguration: [{ claimIdInApiResponse: 'balance' }] },
        want,
      ).why,
    ).toContain('claims [balance] → [balance, loyaltyId, promoCode]');
  });

  it('adds a missing --app to the listener and keeps the applications already there', () => {
    const listener = {
      id: 'l1',
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartListener',
      conditions: { applications: { includeApplications: [{ appId: 'other-app' }] } },
    };
    expect(listenerChange(listener, [APP]).patch).toEqual({
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartListener',
      conditions: {
        applications: { includeApplications: [{ appId: 'other-app' }, { appId: APP }] },
      },
    });
    expect(listenerChange(listener, ['other-app']).action).toBe('unchanged');
  });

  it('points a user-flow handler that calls another extension at the API', () => {
    const flow = {
      id: 'f',
      '@odata.type': '#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow',
      onAttributeCollectionSubmit: {
        '@odata.type': '#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler',
        customExtension: { id: 'theirs' },
      },
    };
    expect(flowHandlerChange(flow, 'attributeCollectionSubmit', 'ours')).toMatchObject({
      action: 'update',
      why: "onAttributeCollectionSubmit calls theirs, not the API's extension",
    });
    expect(flowHandlerChange(flow, 'attributeCollectionSubmit', 'theirs').action).toBe('unchanged');
  });

  it('updates a claims-mapping policy that maps other claims', () => {
    expect(claimsPolicyChange({ id: 'p', definition: [claimsPolicyDefinition()] }).action).toBe(
      'unchanged',
    );
    const fewer = JSON.stringify({
      ClaimsMappingPolicy: {
        ClaimsSchema: [{ Source: 'CustomClaimsProvider', ID: 'balance', JwtClaimType: 'balance' }],
      },
    });
    expect(claimsPolicyChange({ id: 'p', definition: [fewer] })).toMatchObject({
      action: 'update',
      patch: { definition: [claimsPolicyDefinition()] },
    });
    expect(claimsPolicyChange({ id: 'p', definition: ['not json'] }).action).toBe('update');
  });
});
