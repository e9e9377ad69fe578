/** How B2C's API connectors and Entra's extensions call out: POST JSON, read a JSON answer. */
export type JsonAnswer =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly status?: number;
      /** The raw text, when the answer was not JSON. */
      readonly body?: string;
    };

export async function postJson(
  url: string,
  headers: Readonly<Record<string, string>>,
  payload: unknown,
  timeoutMs: number,
): Promise<JsonAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, reason: `no answer: ${(error as Error).message}` };
  }
  const status = response.status;
  const raw = await response.text();
  try {
    return { ok: true, status, body: JSON.parse(raw) };
  } catch {
    return { ok: false, reason: 'the answer is not JSON', status, body: raw };
  }
}

/** A failed call as the outcomes report it: the reason, and the status and body when there were. */
export function notAnswered(answer: Extract<JsonAnswer, { ok: false }>): {
  reason: string;
  status?: number;
  body?: string;
} {
  const { reason, status, body } = answer;
  return { reason, ...(status === undefined ? {} : { status, body }) };
}
