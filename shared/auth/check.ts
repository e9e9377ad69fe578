/** One caller check's verdict: passed, or refused with a reason for the log (never a secret). */
export type Check = { ok: true } | { ok: false; reason: string };
export const pass: Check = { ok: true };
export const refuse = (reason: string): Check => ({ ok: false, reason });
