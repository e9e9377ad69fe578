/** A log-safe description of an error: its kind, never claim values or connection strings. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return `${error.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error.message}`;
  }
  return typeof error;
}
