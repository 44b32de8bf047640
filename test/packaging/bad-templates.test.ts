/** Templates `aws cloudformation package` cannot package either, reported with FILE:LINE:COL and exit 2. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { meridianPackage } from './helpers.js';

describe('meridian package: bad templates', () => {
  it('a YAML syntax error is reported at its line and column (CLI: yaml_parse fails), nothing is uploaded', async () => {
    const dir = tempDir();
    const stateDir = tempDir();
    writeFiles(dir, { 'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n   Properties: {CodeUri: src\n' });
    const result = await meridianPackage(['--template-file', path.join(dir, 'template.yaml'), '--region', 'eu-west-1', '--state-dir', stateDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${path.join(dir, 'template.yaml')}:\\d+:\\d+: YAML syntax error`));
    expect(fs.existsSync(path.join(stateDir, 'stores'))).toBe(false);
  });

  it('a nested stack that includes itself is refused instead of recursing forever (CLI: unbounded recursion)', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'template.yaml': 'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n',
      'child.yaml': 'Resources:\n  Parent:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./template.yaml\n',
    });
    const result = await meridianPackage(['--template-file', path.join(dir, 'template.yaml'), '--region', 'eu-west-1', '--state-dir', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'child.yaml')}:5:20: resource Parent property TemplateURL refers to ./template.yaml, which nests itself`);
  });

  it('a property that is neither a path, a URL nor an intrinsic function is refused (CLI: InvalidLocalPathError); a missing template file too', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: [a, b]\n' });
    const result = await meridianPackage(['--template-file', path.join(dir, 'template.yaml'), '--region', 'eu-west-1', '--state-dir', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('resource Fn property CodeUri is a list; it must be a local path, an s3:// URL or an intrinsic function');
    const missing = await meridianPackage(['--template-file', path.join(dir, 'nope.yaml'), '--region', 'eu-west-1', '--state-dir', tempDir()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`meridian: cannot read the template ${path.join(dir, 'nope.yaml')}`);
  });
});
