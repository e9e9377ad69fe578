/**
 * Graph's own check of each extension (customAuthenticationExtension:
 * validateAuthenticationConfiguration, v1.0, by id, no body): its errors fail the command,
 * its warnings are printed. Read-only: it runs on a dry run too, for the extensions that exist.
 */
import type { EntraEvent } from '../../../shared/dialects/entra/event';
import type { GraphClient } from '../graph';
import { PATHS, PERMISSION } from './calls';

export interface Finding {
  readonly code: string;
  readonly message: string;
}

export interface Validation {
  readonly event: EntraEvent;
  /** Undefined when the extension does not exist yet (a dry run, or the plan not applied). */
  readonly extensionId?: string | undefined;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

function findings(value: unknown): Finding[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => {
    const { code, message } = (item ?? {}) as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'Unknown',
      message: typeof message === 'string' ? message.replace(/\s+/g, ' ').trim() : '',
    };
  });
}

export async function validateExtensions(
  graph: GraphClient,
  extensionIds: Partial<Record<EntraEvent, string>>,
  events: readonly EntraEvent[],
): Promise<Validation[]> {
  const results: Validation[] = [];
  for (const event of events) {
    const extensionId = extensionIds[event];
    if (extensionId === undefined) {
      results.push({ event, errors: [], warnings: [] });
      continue;
    }
    const answer = await graph.send({
      method: 'POST',
      path: PATHS.validate(extensionId),
      permission: PERMISSION.extensions,
    });
    const body = answer.json<{ errors?: unknown; warnings?: unknown }>() ?? {};
    results.push({
      event,
      extensionId,
      errors: findings(body.errors),
      warnings: findings(body.warnings),
    });
  }
  return results;
}

/** The lines a person reads: one per finding, errors first. */
export function validationLines(results: readonly Validation[]): {
  errors: string[];
  warnings: string[];
} {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const r of results) {
    for (const f of r.errors) errors.push(`Extension ${r.event}: ${f.code}: ${f.message}`);
    for (const f of r.warnings) warnings.push(`Extension ${r.event}: ${f.code}: ${f.message}`);
  }
  return { errors, warnings };
}
