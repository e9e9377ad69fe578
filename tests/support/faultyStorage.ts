/**
 * Storage that fails, deterministically: a fake HTTP transport for the SDK (its `httpClient`
 * option), a TCP server that accepts and never answers, and a port that refuses connections.
 */
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
} from '@azure/core-rest-pipeline';
import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../scripts/host/azurite';

/** Every request is answered with this HTTP status (and counted). */
export function statusTransport(status: number): HttpClient & { calls: number } {
  const transport = {
    calls: 0,
    async sendRequest(request: PipelineRequest) {
      transport.calls += 1;
      return {
        request,
        status,
        headers: createHttpHeaders({ 'content-type': 'application/json;odata=minimalmetadata' }),
        bodyAsText: JSON.stringify({
          'odata.error': { code: 'ServerBusy', message: { value: 'busy' } },
        }),
      };
    },
  };
  return transport;
}

/** A server that accepts connections and never answers. */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on which nothing listens: connections are refused. */
export const refusingPort = freePort;
