/**
 * Reading an import file, CSV (csv-parse) or JSON Lines, into checked members with their line
 * numbers, and the rows rejected with theirs.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { checkMember, checkMemberJson, type MemberCheck } from '../../shared/loyalty/member';
import type { LoyaltyMember } from '../../shared/loyalty/member';
import { UsageError } from './cliIo';

export type MemberFileFormat = 'csv' | 'jsonl';

export interface MemberRow {
  /** The line the row ends on (1 = the first line of the file, the CSV header). */
  readonly line: number;
  readonly member: LoyaltyMember;
}

export interface Rejection {
  readonly line: number;
  readonly reason: string;
}

export interface MemberFile {
  readonly rows: MemberRow[];
  /** In line order. */
  readonly rejected: Rejection[];
}

const FORMATS: Readonly<Record<string, MemberFileFormat>> = {
  csv: 'csv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/** The format --format names, or the file name's extension says. */
export function formatOf(file: string, flag: string | undefined): MemberFileFormat {
  if (flag !== undefined) {
    const format = FORMATS[flag.trim().toLowerCase()];
    if (format === undefined) {
      throw new UsageError(`--format must be csv or jsonl (or ndjson), not '${flag}'`, 'import');
    }
    return format;
  }
  const format = FORMATS[extname(file).slice(1).toLowerCase()];
  if (format === undefined) {
    throw new UsageError(
      `${file}: cannot tell the format from the name; name it .csv, .jsonl or .ndjson, or give --format`,
      'import',
    );
  }
  return format;
}

export function readMemberFile(file: string, format: MemberFileFormat): Promise<MemberFile> {
  return format === 'csv' ? readCsv(file) : readJsonLines(file);
}

function collect(): MemberFile & { add(line: number, checked: MemberCheck): void } {
  const rows: MemberRow[] = [];
  const rejected: Rejection[] = [];
  return {
    rows,
    rejected,
    add(line, checked) {
      if (checked.ok) rows.push({ line, member: checked.value });
      else rejected.push({ line, reason: checked.reason });
    },
  };
}

const REQUIRED_COLUMNS = ['email', 'loyaltyId', 'promoCode'] as const;
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, 'status']);

async function readCsv(file: string): Promise<MemberFile> {
  const found = collect();
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
        if (missing.length > 0) {
          throw new UsageError(
            `${file}: the header must name email,loyaltyId,promoCode[,status]; missing ${missing.join(', ')}`,
            'import',
          );
        }
        return names.map((n) => (KNOWN_COLUMNS.has(n) ? n : false));
      },
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    found.rejected.push({ line: error.lines ?? 0, reason: `malformed CSV: ${error.message}` });
  });
  for await (const entry of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    found.add(entry.info.lines, checkMember(entry.record));
  }
  found.rejected.sort((a, b) => a.line - b.line);
  return { rows: found.rows, rejected: found.rejected };
}

async function readJsonLines(file: string): Promise<MemberFile> {
  const found = collect();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      found.rejected.push({ line, reason: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    found.add(line, checkMemberJson(value));
  }
  return { rows: found.rows, rejected: found.rejected };
}
