/**
 * Custom attributes arrive as extension_<appIdWithoutHyphens>_Name (the app id is optional):
 * names are matched on the part after the prefix.
 */
export const EXTENSION_PREFIX = /^extension_(?:[0-9a-f]{32}_)?/i;

export function withoutExtensionPrefix(name: string): string {
  return name.replace(EXTENSION_PREFIX, '');
}
