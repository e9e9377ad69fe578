/**
 * The README is a front door and the details live in docs/: every relative link of the README,
 * the docs and the other READMEs points at a file that exists and, with an anchor, at a heading
 * that file has (GitHub's anchors); the README stays short, and each docs page has a contents
 * list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOCS, 'infra/README.md', 'policies/README.md', 'bench/README.md'];

/** The lines of a Markdown file outside its fenced code blocks. */
function prose(file: string): string[] {
  let code = false;
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .filter((line) => {
      if (line.startsWith('```')) code = !code;
      return !code && !line.startsWith('```');
    });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const found = new Set<string>();
  for (const line of prose(file)) {
    const heading = /^#+ (.*)$/.exec(line)?.[1];
    if (heading !== undefined) found.add(anchor(heading));
  }
  return found;
}

describe('the README and the docs', () => {
  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of PAGES) {
      for (const line of prose(file)) {
        for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = match[1] ?? '';
          if (/^(https?:|mailto:)/.test(target)) continue;
          const [path = '', hash] = target.split('#');
          const to = path === '' ? file : normalize(join(dirname(file), path));
          if (!existsSync(join(ROOT, to))) broken.push(`${file}: ${target} (no such file)`);
          else if (hash && to.endsWith('.md') && !anchorsOf(to).has(hash)) {
            broken.push(`${file}: ${target} (no such heading)`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('keep the README a front door of at most 250 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(250);
  });

  it.each(DOCS.filter((file) => anchorsOf(file).size > 3))(
    '%s has a contents list of its sections',
    (file) => {
      expect(prose(file)).toContain('## Contents');
    },
  );
});
