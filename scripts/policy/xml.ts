/**
 * Editing the policy templates as text: XML escaping and the lines of a technical profile's
 * Metadata block (no XML library at run time: the tool needs only the app's own dependencies).
 */

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
export interface MetadataItem {
  readonly key: string;
  readonly value: string;
}

export const ITEM_LINE = /^([ \t]*)<Item Key="([^"]+)">([^<]*)<\/Item>[ \t]*$/;

/** Sets (or, with undefined, removes) metadata items, editing the lines of the Metadata block. */
export function setMetadata(
  block: string,
  changes: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const lines = block.split('\n');
  let indent = '';
  for (const [key, value] of changes) {
    const index = lines.findIndex((line) => ITEM_LINE.exec(line)?.[2] === key);
    const existing = index >= 0 ? ITEM_LINE.exec(lines[index] ?? '') : null;
    if (existing) indent = existing[1] ?? indent;
    if (value === undefined) {
      if (index >= 0) lines.splice(index, 1);
      continue;
    }
    const line = `${indent}<Item Key="${key}">${escapeXml(value)}</Item>`;
    if (index >= 0) {
      lines[index] = line;
    } else {
      const lastItem = lines.reduce((last, l, i) => (ITEM_LINE.test(l) ? i : last), -1);
      if (lastItem >= 0) indent = ITEM_LINE.exec(lines[lastItem] ?? '')?.[1] ?? indent;
      lines.splice(lastItem + 1, 0, `${indent}<Item Key="${key}">${escapeXml(value)}</Item>`);
    }
  }
  return lines.join('\n');
}

export function metadataItems(technicalProfile: string): MetadataItem[] {
  const block = /<Metadata>([\s\S]*?)<\/Metadata>/.exec(technicalProfile)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => ITEM_LINE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ key: m[2] ?? '', value: unescapeXml(m[3] ?? '') }));
}

/** True when an input or output claim of the profile has a claim resolver as DefaultValue. */
export function usesClaimResolvers(technicalProfile: string): boolean {
  return /<(?:InputClaim|OutputClaim)\b[^>]*\bDefaultValue="[^"]*\{[A-Za-z0-9_-]+:[^}"]*\}[^"]*"/.test(
    technicalProfile,
  );
}
