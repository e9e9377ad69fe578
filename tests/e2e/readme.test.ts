/**
 * Every curl example in the README and the docs (docs/*.md), run against a freshly seeded host:
 * each must print exactly the text block that follows it (`…` stands for the per-call
 * requestId).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT, startHost, type RunningHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

interface Example {
  readonly command: string;
  readonly expected: string;
}

/** ```sh curl …``` followed by ```text …```. */
export function readmeExamples(readme: string): Example[] {
  const examples: Example[] = [];
  const pattern = /```sh\n(curl [\s\S]*?)```\s*```text\n([\s\S]*?)```/g;
  for (const match of readme.matchAll(pattern)) {
    examples.push({ command: (match[1] ?? '').trim(), expected: (match[2] ?? '').trim() });
  }
  return examples;
}

/** Shell words of a one-command line: single and double quotes, backslash-newline. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  const text = command.replace(/\\\n/g, ' ');
  const pattern = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** Runs the curl command with fetch against baseUrl; returns what curl would print. */
async function runCurl(command: string, baseUrl: string): Promise<string> {
  const words = shellWords(command).slice(1);
  let method: string | undefined;
  let url = '';
  let body: string | undefined;
  let writeOut = '';
  const headers: Record<string, string> = {};
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const next = (): string => words[++i] ?? '';
    if (word === '-s') continue;
    else if (word === '-w') writeOut = next();
    else if (word === '-X') method = next();
    else if (word === '-H') {
      const [name = '', ...value] = next().split(':');
      headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') body = next();
    else if (word.startsWith('http')) url = word;
    else throw new Error(`the README test does not know the curl option ${word}`);
  }
  if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  const response = await fetch(url.replace('http://localhost:7071', baseUrl), {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  return text + writeOut.replace('%{http_code}', String(response.status)).replace(/\\n$/, '');
}

function matches(actual: string, expected: string): boolean {
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[0-9a-f-]{36}');
  return new RegExp(`^${pattern}$`).test(actual.trim());
}

const DOCS = [
  'README.md',
  ...readdirSync(join(APP_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const examples = DOCS.flatMap((file) =>
  readmeExamples(readFileSync(join(APP_ROOT, file), 'utf8')).map((e) => ({ ...e, file })),
);
let host: RunningHost;

beforeAll(async () => {
  const tables = uniqueTableNames('Readme');
  host = await startHost({
    TABLES_CONNECTION_STRING: azuriteConnectionString(),
    LOYALTY_TABLE_NAME: tables.loyaltyTableName,
    BALANCES_TABLE_NAME: tables.balancesTableName,
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('the curl examples of the README and the docs', () => {
  it('are there, one per function in both dialects, and the README has every dialect', () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    const readme = examples.filter((e) => e.file === 'README.md').map((e) => e.command);
    expect(readme.some((c) => c.includes('"step":'))).toBe(true);
    expect(readme.some((c) => c.includes('microsoft.graph.authenticationEvent.'))).toBe(true);
    expect(readme.some((c) => !c.includes('"step":') && !c.includes('authenticationEvent'))).toBe(
      true,
    );
    for (const name of ['ValidateProfile', 'GetProfile', 'EnrichToken', 'health']) {
      expect(examples.some((e) => e.command.includes(`/api/${name}`))).toBe(true);
    }
  });

  it.each(examples.map((e) => [e.file, e.command.split('\n')[0] ?? '', e] as const))(
    '%s: %s … prints what it shows',
    async (_file, _title, example) => {
      const actual = await runCurl(example.command, host.baseUrl);
      expect(
        matches(actual, example.expected),
        `got:\n${actual}\n${example.file} shows:\n${example.expected}`,
      ).toBe(true);
    },
  );
});
