/**
 * Writing CSV as RFC 4180 says. csv-parse (installed) only reads; its sibling csv-stringify is
 * not installed, and quoting is all `export` needs: a field holding a quote, comma, CR or LF
 * (or starting or ending with a space, which some readers trim) is quoted, its quotes doubled.
 */

export const CSV_LINE_END = '\r\n';

export function csvField(value: string): string {
  const needsQuotes = /[",\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with its line end. */
export function csvRecord(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CSV_LINE_END;
}
