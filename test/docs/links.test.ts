import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const DOCS = readdirSync(`${REPO_ROOT}docs`)
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...DOCS];

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** The text outside fenced code blocks, with inline code spans blanked out (same length, so offsets keep their lines). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line.replace(/`+[^`]*`+/g, (code) => ' '.repeat(code.length));
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replaceAll('`', '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a markdown file offers: its headings' slugs (a repeated one gets -1, -2, …) and explicit `<a id>`/`<a name>`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const text = prose(read(file));
  const links: Link[] = [];
  for (const match of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({ file, line: text.slice(0, match.index).split('\n').length, target: match[1]! });
  }
  for (const match of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) {
    links.push({ file, line: text.slice(0, match.index).split('\n').length, target: match[1]! });
  }
  return links;
}

/** What is wrong with a relative link, or undefined when it reaches its file and heading. */
function problemOf(link: Link): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return undefined;
  const [rawPath = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
  const pathPart = decodeURIComponent(rawPath);
  if (pathPart.startsWith('/')) return 'an absolute path: write it relative to this file';
  const resolved = pathPart === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), pathPart));
  const full = path.join(REPO_ROOT, resolved);
  if (resolved.startsWith('..') || !existsSync(full)) return `${resolved} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md') || statSync(full).isDirectory()) return `#${anchor} points into ${resolved}, which is not a markdown file`;
  return anchorsOf(read(resolved)).has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `${resolved} has no heading #${anchor}`;
}

/** Source and test files, fixtures left out (their text is data). */
function codeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (rel !== 'test/fixtures') out.push(...codeFiles(rel));
    } else if (/\.(ts|tsx|mts|mjs)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe('the docs', () => {
  it('reach an existing file and heading with every relative link', () => {
    const problems = PAGES.flatMap((file) =>
      linksOf(file).flatMap((link) => {
        const problem = problemOf(link);
        return problem === undefined ? [] : [`${link.file}:${link.line}: (${link.target}) ${problem}`];
      }),
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('finds the links and anchors it checks', () => {
    expect(slug('`meridian serve`: API, webhooks and operations')).toBe('meridian-serve-api-webhooks-and-operations');
    expect(slug('§1.4 Run order and failure')).toBe('14-run-order-and-failure');
    expect(slug('Deploys: release targets, CloudFormation, S3 and SSM')).toBe('deploys-release-targets-cloudformation-s3-and-ssm');
    expect(problemOf({ file: 'README.md', line: 1, target: 'docs/no-such-page.md' })).toMatch(/does not exist/);
    expect(problemOf({ file: 'README.md', line: 1, target: 'docs/server.md#no-such-heading' })).toMatch(/no heading/);
    expect(problemOf({ file: 'docs/running.md', line: 1, target: 'server.md#routes' })).toBeUndefined();
    expect(linksOf('README.md').length).toBeGreaterThan(10);
  });

  it('are all linked from the README, which stays under 12 KB', () => {
    const readme = read('README.md');
    expect(Buffer.byteLength(readme), 'README.md is over 12 KB: move detail into docs/').toBeLessThanOrEqual(12 * 1024);
    const linked = new Set(linksOf('README.md').map((link) => link.target.split('#')[0]));
    for (const page of [...DOCS, 'bench/README.md', 'CONTRIBUTING.md']) expect(linked, `README.md does not link ${page}`).toContain(page);
  });

  it('name in source and test comments only files that exist', () => {
    const missing: string[] = [];
    for (const file of [...codeFiles('src'), ...codeFiles('test')]) {
      const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      for (const comment of text.matchAll(/\/\*[\s\S]*?\*\/|(?<![:'"`\w])\/\/[^\n]*/g)) {
        const line = text.slice(0, comment.index).split('\n').length;
        for (const ref of comment[0].matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.md)\b/g)) {
          const name = ref[1]!;
          const candidates = [name, path.posix.join(path.posix.dirname(file), name), `docs/${name}`];
          if (!candidates.some((candidate) => existsSync(path.join(REPO_ROOT, candidate)))) missing.push(`${file}:${line}: ${name}`);
        }
        for (const ref of comment[0].matchAll(/aws-behaviour\.md §([\d.]+\d)/g)) {
          if (!read('docs/aws-behaviour.md').includes(`§${ref[1]!} `)) missing.push(`${file}:${line}: docs/aws-behaviour.md §${ref[1]!}`);
        }
      }
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });
});
