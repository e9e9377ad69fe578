/**
 * The local preview, `/preview` on the host `npm start` runs, in Development only (start.ts
 * never loads this file otherwise, and scripts/ is never packed): three sign-up journeys whose
 * callers are played by the simulators, sending real requests to this host's API.
 *
 * GET /preview                       the journeys, the language picker, the demo members
 * GET|POST /preview/custom-policy    the kit's SignUpOrSignin
 * GET|POST /preview/user-flow        a sign-up user flow with API connectors
 * GET|POST /preview/entra            an Entra External ID sign-up with a custom extension
 * GET /preview/style.css             the only stylesheet (no external asset)
 * GET /preview/entra-keys            the JWKS of the key the preview signs Entra's tokens with
 */
import type { ServerResponse } from 'node:http';
import type { LocalRoutes } from '../host/functionsHost';
import { DEMO_PAIRS, previewLanguage } from './choices';
import { previewContexts, type PreviewContext, type PreviewSetup } from './context';
import { customPolicyStart, customPolicySubmit } from './customPolicy';
import { entraStart, entraSubmit } from './entra';
import { demoChoices, errorPage, languageSelect, layout } from './html';
import { STYLES } from './styles';
import { userFlowStart, userFlowSubmit } from './userFlow';
import { readBody } from '../host/hostHttp';

function indexPage(): string {
  return layout(
    'Preview',
    'Development only',
    `<section class="card" aria-labelledby="title">
<h1 id="title">See the sign-up as the user will</h1>
<p>Each journey sends what Azure AD B2C or Microsoft Entra External ID sends, through the simulators the tests use, to this host's API, and shows the answer as that product shows it. Under each step, the HTTP request and response.</p>
<form method="get" action="/preview/custom-policy">
${languageSelect('en')}
<fieldset><legend>Demo member</legend>
${demoChoices('right')}
</fieldset>
<div class="journeys">
<button type="submit" formaction="/preview/custom-policy">B2C custom policy sign-up</button>
<button type="submit" formaction="/preview/user-flow">B2C user-flow sign-up</button>
<button type="submit" formaction="/preview/entra">Entra External ID sign-up</button>
</div>
</form>
</section>`,
  );
}

function send(response: ServerResponse, status: number, type: string, body: string): number {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, {
    'content-type': type,
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  response.end(bytes);
  return status;
}

/** The demo pair a start link names, as the form's initial values. */
function initialValues(query: URLSearchParams): URLSearchParams {
  const pair = DEMO_PAIRS[query.get('demo') ?? ''];
  const values = new URLSearchParams(query);
  if (pair) {
    values.set('email', pair.email);
    values.set('loyaltyId', pair.loyaltyId);
    values.set('displayName', pair.displayName);
  }
  return values;
}

export async function previewRoutes(setup: PreviewSetup): Promise<LocalRoutes> {
  const contextFor = await previewContexts(setup);
  const journeys = {
    'custom-policy': {
      start: customPolicyStart,
      submit: customPolicySubmit,
    },
    'user-flow': {
      start: (_c: unknown, ...rest: Parameters<typeof userFlowStart>) => userFlowStart(...rest),
      submit: userFlowSubmit,
    },
    entra: {
      start: (_c: unknown, ...rest: Parameters<typeof entraStart>) => entraStart(...rest),
      submit: entraSubmit,
    },
  } as const;
  const handle: LocalRoutes['handle'] = async (request, response, pathname, search) => {
    const path = pathname.toLowerCase().replace(/\/+$/, '');
    const method = (request.method ?? 'GET').toUpperCase();
    const html = 'text/html; charset=utf-8';
    const origin = `http://127.0.0.1:${request.socket.localPort ?? 7071}`;
    if (method === 'GET' && path === '/preview') return send(response, 200, html, indexPage());
    if (method === 'GET' && path === '/preview/style.css') {
      return send(response, 200, 'text/css; charset=utf-8', STYLES);
    }
    if (method === 'GET' && path === '/preview/entra-keys') {
      return send(
        response,
        200,
        'application/json',
        JSON.stringify(contextFor(origin).tokens.jwks),
      );
    }
    const journey = journeys[path.slice('/preview/'.length) as keyof typeof journeys];
    if (journey === undefined)
      return send(
        response,
        404,
        html,
        layout(
          'Not found',
          'Preview',
          '<h1>Not found</h1><p><a href="/preview">The preview</a></p>',
        ),
      );
    const answer = async (context: PreviewContext): Promise<number> => {
      if (method === 'GET') {
        const query = new URLSearchParams(search);
        return send(
          response,
          200,
          html,
          journey.start(context, previewLanguage(query.get('lang')), initialValues(query)),
        );
      }
      if (method === 'POST') {
        const body = await readBody(request, 64 * 1024);
        if (body === 'tooLarge') return send(response, 413, 'text/plain', 'The form is too large.');
        const form = new URLSearchParams(body.toString('utf8'));
        return send(
          response,
          200,
          html,
          await journey.submit(context, previewLanguage(form.get('lang')), form),
        );
      }
      response.setHeader('allow', 'GET, POST');
      return send(response, 405, 'text/plain', `Method ${method} is not allowed.`);
    };
    const context = contextFor(origin);
    try {
      return await answer(context);
    } catch (error) {
      // a journey that cannot run here (e.g. no policies/ in this copy): said on the page
      const text = error instanceof Error ? error.message : String(error);
      return send(
        response,
        500,
        html,
        layout(
          'Error',
          'Preview',
          errorPage('The preview cannot run this journey', text, undefined, ''),
        ),
      );
    }
  };
  return { prefix: '/preview', handle };
}
