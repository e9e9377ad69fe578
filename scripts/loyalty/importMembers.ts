/** `import`: a CSV or JSON Lines file into the members table, with progress and a summary. */
import type { MemberAdmin } from '../../shared/loyalty/admin';
import type { SaveOutcome } from '../../shared/loyalty/admin';
import type { CliIo } from './cliIo';
import { readMemberFile, type MemberFileFormat, type Rejection } from './memberFile';
import { startProgress } from './progress';

export interface ImportSummary {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** In line order. */
  readonly rejected: readonly Rejection[];
  /** Reading, checking and saving, in seconds. */
  readonly seconds: number;
}

/**
 * Reads the whole file (every bad row rejected with its line number), then saves the good rows
 * with one bulk save, which reports the outcome of each. Rejected rows go to io.err.
 */
export async function importMembers(
  repository: MemberAdmin,
  file: string,
  format: MemberFileFormat,
  io: CliIo,
): Promise<ImportSummary> {
  const started = performance.now();
  const { rows, rejected } = await readMemberFile(file, format);
  const progress = startProgress(
    io.progress && {
      stream: io.progress,
      total: rows.length,
      intervalMs: io.progressIntervalMs ?? 5000,
    },
  );
  let outcomes: SaveOutcome[];
  try {
    outcomes = await repository.saveMembers(
      rows.map((row) => row.member),
      { onProgress: (settled) => progress.update(settled) },
    );
  } finally {
    progress.stop();
  }
  const counts: Record<SaveOutcome, number> = { added: 0, updated: 0, unchanged: 0 };
  for (const outcome of outcomes) counts[outcome] += 1;
  for (const r of rejected) io.err(`line ${r.line}: ${r.reason}`);
  return { ...counts, rejected, seconds: (performance.now() - started) / 1000 };
}

/** "3 added, 0 updated, 1 unchanged, 2 rejected (lines 3, 5)". */
export function describeImport(summary: ImportSummary): string {
  const { added, updated, unchanged, rejected } = summary;
  const lines =
    rejected.length === 0
      ? ''
      : ` (line${rejected.length === 1 ? '' : 's'} ${abbreviate(rejected.map((r) => r.line))})`;
  return `${added} added, ${updated} updated, ${unchanged} unchanged, ${rejected.length} rejected${lines}`;
}

/** The first 20 numbers, then how many more. */
function abbreviate(numbers: readonly number[]): string {
  const shown = numbers.slice(0, 20).join(', ');
  return numbers.length > 20 ? `${shown} and ${numbers.length - 20} more` : shown;
}
