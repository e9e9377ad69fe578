import type { HttpResponseInit } from '@azure/functions';

/** Every JSON answer: UTF-8, never cached, never sniffed as anything else. */
export function jsonResponse(status: number, body: object): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  };
}
