/**
 * The Graph stand-in's Entra routes are as strict as Microsoft's reference pages: bodies the
 * pages do not allow are refused in Graph's error shape, and validateAuthenticationConfiguration
 * answers with the reference's error and warning codes. (The command never sends these bodies;
 * this proves the stand-in would catch it if it did.)
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClientApp, entraDirectoryRoutes } from '../support/graph/entraDirectoryRoutes';
import { addUserFlow, entraFlowRoutes } from '../support/graph/entraFlowRoutes';
import { entraPolicyRoutes } from '../support/graph/entraPolicyRoutes';
import { entraRoutes } from '../support/graph/entraRoutes';
import { startGraphStandIn, type GraphStandIn } from '../support/graph/standIn';

let graph: GraphStandIn;
let token = '';
let resourceId = '';
let flowId = '';
let appId = '';

beforeAll(async () => {
  graph = await startGraphStandIn({
    routes: [entraDirectoryRoutes, entraPolicyRoutes, entraRoutes, entraFlowRoutes],
  });
  const env = graph.env();
  const answer = await fetch(
    `${env.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=${encodeURIComponent(graph.url)}`,
    { headers: { 'x-identity-header': env.IDENTITY_HEADER ?? '' } },
  );
  token = ((await answer.json()) as { access_token: string }).access_token;
  const { app } = addClientApp(graph.store, 'API');
  appId = String(app.appId);
  resourceId = `api://api.contoso.com/${appId}`;
  app.identifierUris = [resourceId];
  flowId = addUserFlow(graph.store, 'Sign up').id;
});

afterAll(() => graph.close());

interface Answer {
  readonly status: number;
  readonly json: { id: string; error: { message: string }; errors: { code: string }[] };
}

/** One call to the stand-in (trusting its test certificate), as Graph's clients make it. */
function call(method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, graph.url);
    const req = request(
      url,
      {
        method,
        ca: readFileSync(graph.caFile),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: (text === '' ? {} : JSON.parse(text)) as Answer['json'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const extension = (changes: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.onAttributeCollectionSubmitCustomExtension',
  displayName: 'Submit',
  endpointConfiguration: {
    '@odata.type': '#microsoft.graph.httpRequestEndpoint',
    targetUrl: 'https://api.contoso.com/api/ValidateProfile',
  },
  authenticationConfiguration: {
    '@odata.type': '#microsoft.graph.azureAdTokenAuthentication',
    resourceId,
  },
  clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 },
  ...changes,
});

describe('the stand-in refuses an extension the reference does not allow', () => {
  it.each([
    [
      'a timeout above 2000 ms',
      { clientConfiguration: { timeoutInMilliseconds: 2500, maximumRetries: 1 } },
      'timeoutInMilliseconds must be between 200 and 2000',
    ],
    [
      'a timeout below 200 ms',
      { clientConfiguration: { timeoutInMilliseconds: 150, maximumRetries: 1 } },
      'timeoutInMilliseconds must be between 200 and 2000',
    ],
    [
      'two retries',
      { clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 2 } },
      'maximumRetries must be 0 or 1',
    ],
    [
      'an event it does not know',
      { '@odata.type': '#microsoft.graph.onEmailOtpSendCustomExtension' },
      '@odata.type must be one of',
    ],
    [
      'no authentication',
      { authenticationConfiguration: undefined },
      "'authenticationConfiguration' is missing",
    ],
    [
      'a resourceId no app has',
      {
        authenticationConfiguration: {
          '@odata.type': '#microsoft.graph.azureAdTokenAuthentication',
          resourceId: 'api://api.contoso.com/00000000-0000-4000-8000-000000000000',
        },
      },
      'is not the identifier URI of an application',
    ],
    [
      'token claims on an attribute-collection extension',
      { claimsForTokenConfiguration: [{ claimIdInApiResponse: 'balance' }] },
      'claimsForTokenConfiguration is a property of',
    ],
  ])('%s', async (_label, changes, message) => {
    const answer = await call(
      'POST',
      '/v1.0/identity/customAuthenticationExtensions',
      extension(changes),
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain(message);
  });
});

describe('validateAuthenticationConfiguration', () => {
  it('answers the errors of a resourceId whose host is not the target and whose app has no service principal', async () => {
    const created = await call(
      'POST',
      '/v1.0/identity/customAuthenticationExtensions',
      extension({
        endpointConfiguration: {
          '@odata.type': '#microsoft.graph.httpRequestEndpoint',
          targetUrl: 'https://elsewhere.contoso.com/api/ValidateProfile',
        },
      }),
    );
    expect(created.status).toBe(201);
    const answer = await call(
      'POST',
      `/v1.0/identity/customAuthenticationExtensions/${created.json.id}/validateAuthenticationConfiguration`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json.errors.map((e) => e.code)).toEqual(['DomainNameDoesNotMatch']);
  });

  it('refuses a body when validating by id', async () => {
    const created = await call(
      'POST',
      '/v1.0/identity/customAuthenticationExtensions',
      extension(),
    );
    const answer = await call(
      'POST',
      `/v1.0/identity/customAuthenticationExtensions/${created.json.id}/validateAuthenticationConfiguration`,
      {},
    );
    expect(answer.status).toBe(400);
  });
});

describe('listeners and the user flow', () => {
  it('refuse a token-issuance listener whose handler names an attribute-collection extension', async () => {
    const created = await call(
      'POST',
      '/v1.0/identity/customAuthenticationExtensions',
      extension(),
    );
    const answer = await call('POST', '/v1.0/identity/authenticationEventListeners', {
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartListener',
      conditions: {
        applications: { includeApplications: [{ appId }] },
      },
      handler: {
        '@odata.type': '#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler',
        customExtension: { id: created.json.id },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain(
      'must name an existing #microsoft.graph.onTokenIssuanceStartCustomExtension',
    );
    const unknownApp = await call('POST', '/v1.0/identity/authenticationEventListeners', {
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartListener',
      conditions: {
        applications: { includeApplications: [{ appId: '0f0e0d0c-0b0a-4909-8807-060504030201' }] },
      },
      handler: {
        '@odata.type': '#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler',
        customExtension: { id: created.json.id },
      },
    });
    expect(unknownApp.json.error.message).toContain('no application has the appId');
  });

  it('take the attribute-collection handlers on beta only, with the handler type of their event', async () => {
    const created = await call(
      'POST',
      '/v1.0/identity/customAuthenticationExtensions',
      extension(),
    );
    const handler = {
      '@odata.type': '#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler',
      customExtension: { id: created.json.id },
    };
    const flowType = '#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow';
    expect(
      (
        await call('PATCH', `/v1.0/identity/authenticationEventsFlows/${flowId}`, {
          '@odata.type': flowType,
          onAttributeCollectionSubmit: handler,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PATCH', `/beta/identity/authenticationEventsFlows/${flowId}`, {
          '@odata.type': flowType,
          onAttributeCollectionStart: handler,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PATCH', `/beta/identity/authenticationEventsFlows/${flowId}`, {
          '@odata.type': flowType,
          onAttributeCollectionSubmit: handler,
        })
      ).status,
    ).toBe(204);
  });
});
