/**
 * What every function is built from. The composition root (shared/app.ts) builds the real
 * ones once per process; tests pass in-memory or Azurite-backed parts.
 */
import type { Authenticator } from './auth/authenticate';
import type { Config } from './config';
import type { DialectRegistry } from './dialects/registry';
import type { AttemptStore } from './loyalty/ports';
import type { CounterBreaker } from './loyalty/throttle';
import type { LoyaltyRepository } from './loyalty/ports';
import type { Telemetry } from './telemetry/telemetry';

export interface Deps {
  readonly config: Config;
  /** Checks the caller before anything else is read (API_AUTH). */
  readonly authenticator: Authenticator;
  readonly repository: LoyaltyRepository;
  /** Failed loyalty-ID validations per email (the guessing throttle). */
  readonly attempts: AttemptStore;
  /** Per process: a counter failure answers every sign-up check degraded for a moment. */
  readonly counterBreaker: CounterBreaker;
  readonly telemetry: Telemetry;
  readonly clock: () => Date;
  /** The caller dialects the pipeline recognises: dialects/registry.ts's DIALECTS unless given. */
  readonly dialects?: DialectRegistry | undefined;
}
