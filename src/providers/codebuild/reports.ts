/**
 * The buildspec's `reports`: JUnit XML and Cucumber JSON files read into one TestReport per
 * report group (totals, and the failed and errored cases with their messages). As in
 * CodeBuild, a report never changes the build's outcome: a file that is missing or cannot
 * be read is a warning in the log. Other formats are accepted and skipped with a warning.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { glob } from 'tinyglobby';
import type { TestReport } from '../../domain/test-report.js';
import type { ReportSpec } from './buildspec.js';

const MAX_MESSAGE = 4_000;

type Totals = TestReport['totals'];
type Failure = TestReport['failures'][number];

interface Parsed {
  totals: Totals;
  durationMs: number | null;
  failures: Failure[];
}

export async function collectReports(
  specs: readonly ReportSpec[],
  sourceDir: string,
  mask: (text: string) => string,
  log: (text: string) => void,
): Promise<TestReport[]> {
  const reports: TestReport[] = [];
  for (const spec of specs) {
    if (spec.format !== 'JUNITXML' && spec.format !== 'CUCUMBERJSON') {
      log(`Warning: report group ${spec.group}: Meridian reads JUNITXML and CUCUMBERJSON reports, not ${spec.format}; skipped`);
      continue;
    }
    const files = await reportFiles(spec, sourceDir);
    if (files.length === 0) {
      log(`Warning: report group ${spec.group}: no files match ${spec.files.map((f) => f.pattern).join(', ')}`);
      continue;
    }
    const report: TestReport = {
      name: spec.group,
      format: spec.format,
      totals: { total: 0, passed: 0, failed: 0, skipped: 0, errored: 0 },
      durationMs: null,
      failures: [],
    };
    for (const file of files) {
      try {
        const text = await readFile(join(sourceDir, file), 'utf8');
        const parsed = spec.format === 'JUNITXML' ? parseJunit(text) : parseCucumber(text);
        for (const key of Object.keys(report.totals) as Array<keyof Totals>) report.totals[key] += parsed.totals[key];
        if (parsed.durationMs !== null) report.durationMs = (report.durationMs ?? 0) + parsed.durationMs;
        report.failures.push(...parsed.failures.map((failure) => ({ ...failure, name: mask(failure.name), message: mask(failure.message) })));
      } catch (error) {
        log(`Warning: report group ${spec.group}: ${file} could not be read as ${spec.format}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const { total, passed, failed, errored, skipped } = report.totals;
    log(
      `Report ${spec.group}: ${total} test${total === 1 ? '' : 's'}, ${passed} passed, ${failed} failed, ${errored} errored, ${skipped} skipped (${files.length} file${files.length === 1 ? '' : 's'})`,
    );
    reports.push(report);
  }
  return reports;
}

async function reportFiles(spec: ReportSpec, sourceDir: string): Promise<string[]> {
  const patterns = spec.files.map((file) => file.pattern).filter((pattern) => !pattern.startsWith('/') && !pattern.split('/').includes('..'));
  const bases = spec.baseDirectory
    ? (await glob([spec.baseDirectory.pattern.replace(/\/+$/, '')], { cwd: sourceDir, onlyDirectories: true, expandDirectories: false })).map((dir) =>
        dir.replace(/\/+$/, ''),
      )
    : [''];
  const files: string[] = [];
  for (const base of bases) {
    for (const file of await glob(patterns, { cwd: join(sourceDir, base), onlyFiles: true, dot: true, expandDirectories: false })) files.push(join(base, file));
  }
  return files.sort();
}

type XmlNode = Record<string, unknown>;

const ARRAYS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);

export function parseJunit(text: string): Parsed {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: '#text',
    isArray: (name) => ARRAYS.has(name),
    parseAttributeValue: false,
    parseTagValue: false,
  });
  const root = parser.parse(text) as XmlNode;
  const parsed: Parsed = { totals: { total: 0, passed: 0, failed: 0, skipped: 0, errored: 0 }, durationMs: null, failures: [] };
  // `<testsuites>` is read as a suite too: Node's junit reporter puts `<testcase>` right under it.
  const suites = [...nodes(root.testsuite), ...nodes(root.testsuites)];
  if (suites.length === 0) throw new Error('no <testsuites> or <testsuite> element');
  for (const suite of suites) readSuite(suite, parsed);
  return parsed;
}

function readSuite(suite: XmlNode, parsed: Parsed): void {
  const suiteName = attribute(suite, 'name');
  for (const nested of nodes(suite.testsuite)) readSuite(nested, parsed);
  for (const testCase of nodes(suite.testcase)) {
    parsed.totals.total += 1;
    const time = Number(attribute(testCase, 'time'));
    if (attribute(testCase, 'time') !== '' && Number.isFinite(time)) parsed.durationMs = (parsed.durationMs ?? 0) + Math.round(time * 1000);
    const failure = nodes(testCase.failure)[0];
    const error = nodes(testCase.error)[0];
    const name = attribute(testCase, 'name');
    const suiteLabel = suiteName || attribute(testCase, 'classname');
    if (failure !== undefined || error !== undefined) {
      const status = failure !== undefined ? 'FAILED' : 'ERROR';
      parsed.totals[status === 'FAILED' ? 'failed' : 'errored'] += 1;
      parsed.failures.push({ suite: suiteLabel, name, status, message: describe(failure ?? error) });
    } else if (testCase.skipped !== undefined) parsed.totals.skipped += 1;
    else parsed.totals.passed += 1;
  }
}

/** The failure's `message` attribute and its text (often a stack trace), shortened. */
function describe(node: unknown): string {
  const element = typeof node === 'object' && node !== null ? (node as XmlNode) : { '#text': node };
  const message = attribute(element, 'message');
  const body = typeof element['#text'] === 'string' ? element['#text'].trim() : '';
  const text = message && body && !body.startsWith(message) ? `${message}\n${body}` : message || body;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function nodes(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': String(item) }));
}

function attribute(node: XmlNode, name: string): string {
  const value = node[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

interface CucumberStep {
  name?: string;
  result?: { status?: string; duration?: number; error_message?: string };
}
interface CucumberElement {
  name?: string;
  type?: string;
  steps?: CucumberStep[];
}
interface CucumberFeature {
  name?: string;
  elements?: CucumberElement[];
}

/** Each scenario is a test: failed when a step failed, passed when every step passed, skipped otherwise. */
export function parseCucumber(text: string): Parsed {
  const features = JSON.parse(text) as unknown;
  if (!Array.isArray(features)) throw new Error('a Cucumber JSON report is a list of features');
  const parsed: Parsed = { totals: { total: 0, passed: 0, failed: 0, skipped: 0, errored: 0 }, durationMs: null, failures: [] };
  for (const feature of features as CucumberFeature[]) {
    for (const scenario of feature.elements ?? []) {
      if (scenario.type === 'background') continue;
      parsed.totals.total += 1;
      const steps = scenario.steps ?? [];
      for (const step of steps) {
        if (typeof step.result?.duration === 'number') parsed.durationMs = (parsed.durationMs ?? 0) + Math.round(step.result.duration / 1e6);
      }
      const failed = steps.find((step) => step.result?.status === 'failed');
      if (failed) {
        parsed.totals.failed += 1;
        const message = `${failed.name ?? 'a step'} failed${failed.result?.error_message ? `: ${failed.result.error_message}` : ''}`;
        parsed.failures.push({
          suite: feature.name ?? '',
          name: scenario.name ?? '',
          status: 'FAILED',
          message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
        });
      } else if (steps.length > 0 && steps.every((step) => step.result?.status === 'passed')) parsed.totals.passed += 1;
      else parsed.totals.skipped += 1;
    }
  }
  return parsed;
}
