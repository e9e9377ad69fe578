/**
 * A local stand-in for Application Insights' ingestion endpoint (`/v2.1/track`) over HTTPS, with
 * a certificate made for it (trusted by the host through NODE_EXTRA_CA_CERTS): it keeps every
 * envelope it receives (gzip or not) and, per POST, the iKey and Authorization header it carried.
 */
import { createServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { makeTestCertificate, type TestCertificate } from './testCertificate';

export interface Envelope {
  iKey: string;
  name: string;
  tags: Record<string, string>;
  data: {
    baseType: string;
    baseData: Record<string, unknown> & { properties?: Record<string, string> };
  };
}

export interface Ingestion {
  readonly envelopes: Envelope[];
  /** Per POST: the iKey it carried and its Authorization header. */
  readonly posts: { iKey: string | undefined; authorization: string | undefined }[];
  readonly port: number;
  readonly certificate: TestCertificate;
  close(): Promise<void>;
}

export async function startIngestion(): Promise<Ingestion> {
  const certificate = await makeTestCertificate('telemetry-ingestion-');
  const envelopes: Envelope[] = [];
  const posts: Ingestion['posts'] = [];
  const server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const items = JSON.parse(body.toString('utf8')) as Envelope[];
        posts.push({ iKey: items[0]?.iKey, authorization: request.headers.authorization });
        envelopes.push(...items);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }),
        );
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    envelopes,
    posts,
    port: typeof address === 'object' && address ? address.port : 0,
    certificate,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certificate.cleanup();
    },
  };
}

/** Polls until check() holds or ms have passed. */
export async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
}
