/**
 * The signing keys of a token issuer (bearer: the issuer's OpenID configuration or
 * BEARER_JWKS_URI; entra: the tenant's keys), fetched when the app starts and refreshed in the
 * background (hourly, after a failure with back-off, and when a token names a key not yet known,
 * at most once per cooldown). No request waits on discovery: a request that arrives before the
 * first keys waits for them at most until its own deadline.
 */
import type { FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';
import { untilAborted, type Signal } from '../abort';

export interface SigningKeysOptions {
  /** The key set's URL, or how to find it (an issuer's OpenID configuration). */
  readonly source: { readonly jwksUri: string } | { readonly issuer: string };
  /** Least time between two fetches caused by unknown `kid`s. */
  readonly cooldownMs: number;
  /** Loads jose (lazily: an app without a token check never pays its import). */
  readonly jose: () => typeof import('jose');
  /** Upper bound of one fetch. Default 5 s. */
  readonly fetchTimeoutMs?: number;
  /** Refresh period. Default one hour. */
  readonly maxAgeMs?: number;
}

export interface SigningKeys {
  /** The key a token names; waits for the first key set at most until `signal` aborts. */
  keyFor(header: JWSHeaderParameters, token: FlattenedJWSInput, signal?: Signal): Promise<KeyLike>;
  /** Stops the background refresh (tests, shutdown). */
  close(): void;
}

/** No key set could be had in time (the issuer does not answer, or the request's deadline). */
export class SigningKeysUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(`no signing keys (${cause instanceof Error ? cause.name : typeof cause})`);
    this.name = 'SigningKeysUnavailable';
  }
}

type Resolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyLike>;

const MAX_RETRY_MS = 60_000;

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${new URL(url).pathname} answered HTTP ${response.status}`);
  return response.json();
}

export function signingKeys(options: SigningKeysOptions): SigningKeys {
  const timeoutMs = options.fetchTimeoutMs ?? 5000;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60_000;
  let resolver: Resolver | undefined;
  let fetching: Promise<Resolver> | undefined;
  let fetchedAt = -Infinity;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = (ms: number): void => {
    clearTimeout(timer);
    if (closed) return;
    timer = setTimeout(() => void refresh().catch(() => undefined), ms);
    timer.unref();
  };

  const fetchKeys = async (): Promise<Resolver> => {
    let jwksUri: string;
    if ('jwksUri' in options.source) {
      jwksUri = options.source.jwksUri;
    } else {
      const issuer = options.source.issuer.replace(/\/+$/, '');
      const discovered = (await getJson(
        `${issuer}/.well-known/openid-configuration`,
        timeoutMs,
      )) as {
        jwks_uri?: unknown;
      };
      if (typeof discovered.jwks_uri !== 'string') {
        throw new Error('the OpenID configuration has no jwks_uri');
      }
      jwksUri = discovered.jwks_uri;
    }
    const set = (await getJson(jwksUri, timeoutMs)) as JSONWebKeySet;
    return options.jose().createLocalJWKSet(set);
  };

  /** One fetch at a time; a failed one is retried in the background with back-off. */
  const refresh = (): Promise<Resolver> => {
    fetching ??= fetchKeys().then(
      (fresh) => {
        resolver = fresh;
        fetchedAt = performance.now();
        failures = 0;
        fetching = undefined;
        schedule(maxAgeMs);
        return fresh;
      },
      (error: unknown) => {
        failures += 1;
        fetching = undefined;
        schedule(Math.min(MAX_RETRY_MS, 500 * 2 ** failures));
        throw error;
      },
    );
    return fetching;
  };

  /** The key set being fetched (or a new fetch), waited for at most until `signal` aborts. */
  const fresh = (signal: Signal | undefined): Promise<Resolver> =>
    untilAborted(fetching ?? refresh(), signal).catch((error: unknown) => {
      throw new SigningKeysUnavailable(error);
    });

  void refresh().catch(() => undefined); // at start, in the background

  return {
    async keyFor(header, token, signal) {
      const current = resolver ?? (await fresh(signal));
      try {
        return await current(header, token);
      } catch (error) {
        const unknownKid = (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY';
        if (!unknownKid || performance.now() - fetchedAt < options.cooldownMs) throw error;
        return (await fresh(signal))(header, token);
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
