/**
 * What the main thread and the telemetry thread say to each other. Items are plain data (an
 * exception travels as its name, message and stack, nothing attached to it).
 */
import type { DependencyRecord, RequestRecord, TelemetryProperties } from './telemetry';

export interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
}

export type TelemetryItem =
  | { readonly kind: 'event'; readonly name: string; readonly properties: TelemetryProperties }
  | {
      readonly kind: 'exception';
      readonly error: PlainError;
      readonly properties: TelemetryProperties;
    }
  | { readonly kind: 'request'; readonly record: RequestRecord }
  | { readonly kind: 'dependency'; readonly record: DependencyRecord };

export type ToTelemetryThread =
  | { readonly type: 'items'; readonly items: readonly TelemetryItem[] }
  | { readonly type: 'flush'; readonly id: number };

export type FromTelemetryThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly reason: string }
  | { readonly type: 'flushed'; readonly id: number };

/** An error as telemetry may carry it: its kind, message and stack, nothing attached to it. */
export function plainError(error: unknown): PlainError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: `Non-error thrown: ${typeof error}`, stack: undefined };
  }
  return { name: error.name, message: error.message, stack: error.stack };
}

/** The Error the SDK is given for a plain one. */
export function errorOf(plain: PlainError): Error {
  const error = new Error(plain.message);
  error.name = plain.name;
  if (plain.stack !== undefined) error.stack = plain.stack;
  return error;
}
