/**
 * The caller dialects, in the order they are recognised: the first whose `recognises` holds
 * reads the request. The last recognises every request and answers whatever comes before a
 * request is read. A new dialect is a folder beside these and one line here.
 */
import type { RawClaims } from '../contract/requests';
import { customPolicy } from './customPolicy';
import type { DialectAdapter } from './dialect';
import { entra } from './entra';
import { userFlow } from './userFlow';

export type { AnswerContext, DialectAdapter, DialectReading } from './dialect';

export interface DialectRegistry {
  readonly dialects: readonly DialectAdapter[];
  /** The dialect of a request whose claims cannot be read, and of what comes before reading. */
  readonly fallback: DialectAdapter;
  /** The first dialect that recognises these claims (the fallback when none does). */
  recognise(raw: RawClaims): DialectAdapter;
  /** The dialect that answers a refused caller (401) with this body: those that answer refusals. */
  recogniseRefused(raw: RawClaims): DialectAdapter;
}

/** A registry of these dialects, in this order; the last (it recognises anything) is the fallback. */
export function dialectRegistry(dialects: readonly DialectAdapter[]): DialectRegistry {
  const fallback = dialects[dialects.length - 1];
  if (fallback === undefined) throw new Error('A dialect registry needs at least one dialect.');
  return Object.freeze({
    dialects: Object.freeze([...dialects]),
    fallback,
    recognise: (raw: RawClaims) => dialects.find((d) => d.recognises(raw)) ?? fallback,
    recogniseRefused: (raw: RawClaims) =>
      dialects.find((d) => d.answersRefusals !== false && d.recognises(raw)) ?? fallback,
  });
}

export const DIALECTS: DialectRegistry = dialectRegistry([
  entra, // a body that says it is an Entra event
  userFlow, // a `step` claim
  customPolicy, // anything else
]);
