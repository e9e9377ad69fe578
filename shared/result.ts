/** Expected outcomes are values, not exceptions. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & E);

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
