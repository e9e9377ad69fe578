/**
 * "Did you mean …?" for the command-line tools: the known word closest to a mistyped one (edit
 * distance, at most a third of the word), and node:util parseArgs errors made friendlier.
 */

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The known word nearest to `word`, when one is near enough to be what was meant: within an edit
 * distance of a third of its length, or one begins with the other (`--output` → `--out`).
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = known.find(
    (k) =>
      k.length >= 3 && (lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower)),
  );
  if (prefixed !== undefined && lower.length >= 3) return prefixed;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(word, candidate);
    if (best === undefined || d < best.distance) best = { word: candidate, distance: d };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(1, Math.floor(best.word.length / 3)) ? best.word : undefined;
}

/**
 * A parseArgs error as a user reads it: an unknown option gets the closest known one
 * (`--options` are the names the command accepts, without dashes).
 */
export function explainArgsError(error: unknown, options: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const given = /'(-{1,2}[^'\s]+)'/.exec(message)?.[1];
  if (given === undefined) return message;
  const guess = closest(given.replace(/^-+/, ''), options);
  return `Unknown option '${given}'.${guess === undefined ? '' : ` Did you mean --${guess}?`}`;
}
