import { describe, expect, it } from 'vitest';
import { parseJunit } from '../../../src/providers/codebuild/reports.js';

describe('JUnit XML shapes', () => {
  it("reads Node's junit reporter output, whose <testcase> elements sit right under <testsuites>", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
\t<testcase name="health says ok" time="0.102" classname="test"/>
\t<testcase name="hello greets" time="0.014" classname="test">
\t\t<failure message="expected 200" type="testCodeFailure">AssertionError: expected 200</failure>
\t</testcase>
\t<testcase name="later" time="0.001" classname="test"><skipped type="skipped" message="todo"/></testcase>
</testsuites>`;
    const parsed = parseJunit(xml);
    expect(parsed.totals).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, errored: 0 });
    expect(parsed.failures).toEqual([{ suite: 'test', name: 'hello greets', status: 'FAILED', message: 'expected 200\nAssertionError: expected 200' }]);
  });

  it('still reads the classic <testsuites><testsuite> nesting', () => {
    const parsed = parseJunit(
      '<testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"><error message="boom"/></testcase></testsuite></testsuites>',
    );
    expect(parsed.totals).toEqual({ total: 2, passed: 1, failed: 0, skipped: 0, errored: 1 });
  });
});
