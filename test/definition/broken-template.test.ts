import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/domain/errors.js';
import { fixture, problemAt, problemsOf } from './helpers.js';

const MISSING_NAME = 'the parameter name seems to be missing: did you mean `EuropeStore:` above `Type:` (line 4)?';

describe('a template whose parameter lost its name line', () => {
  it('reports the YAML error at its line and suggests the missing name (invalid YAML, as in the seed)', async () => {
    const file = fixture('broken-parameter-name.template.yaml');
    const problems = await problemsOf(file);
    const syntax = problemAt(problems, file, 4, 9);
    expect(syntax.message).toBe('YAML syntax error: Nested mappings are not allowed in compact mappings');
    expect(syntax.hint).toBe(MISSING_NAME);
    expect(formatProblem(syntax)).toBe(`${file}:4:9: YAML syntax error: Nested mappings are not allowed in compact mappings\n  ${MISSING_NAME}`);

    // Every reference to the lost name is pointed out too; AmericaStore is declared and is not.
    const refs = problems.filter((p) => p.message.includes('declared nowhere'));
    expect(refs.map((p) => [p.location.line, p.location.col])).toEqual([
      [18, 20],
      [28, 48],
    ]);
    expect(refs[0]!.message).toBe('`!Ref EuropeStore` refers to `EuropeStore`, which is declared nowhere in this file');
    expect(refs[0]!.hint).toBe(MISSING_NAME);
    expect(problems).toHaveLength(3);
  });

  it('reports the stray entries and the dangling !Ref (valid YAML, name line lost)', async () => {
    const file = fixture('lost-parameter-name.template.yaml');
    const problems = await problemsOf(file);
    const type = problemAt(problems, file, 4, 3);
    expect(type.message).toBe('Parameters.Type is not a parameter declaration (a parameter must be a mapping with a Type)');
    expect(type.hint).toBe(MISSING_NAME);
    expect(problemAt(problems, file, 5, 3).message).toBe('Parameters.Default is not a parameter declaration (a parameter must be a mapping with a Type)');
    const ref = problemAt(problems, file, 17, 48);
    expect(ref.message).toBe('`!Ref EuropeStore` refers to `EuropeStore`, which is not a parameter or resource of this template');
    expect(ref.hint).toBe(MISSING_NAME);
  });
});
