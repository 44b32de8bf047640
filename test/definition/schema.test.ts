import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { globSync } from 'tinyglobby';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { providerChecks } from '../../src/cli/load.js';
import { withSchemas } from '../../src/cli/with-schemas.js';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { nativeJsonSchema, writeNativeJsonSchema } from '../../src/definition/native/schema.js';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { LEDGER_EXPORTS } from './helpers.js';

describe('JSON Schema of the native format', () => {
  it('is generated from the validator and names every top-level key', () => {
    const schema = nativeJsonSchema() as {
      $schema: string;
      type: string;
      properties: Record<string, { description?: string }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['pipeline', 'executionMode', 'home', 'regions', 'variables', 'parameters', 'sources', 'source', 'stages']),
    );
    expect(schema.required).toEqual(['pipeline', 'stages']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.regions!.description).toContain('rollout order');
    expect(JSON.stringify(schema)).toContain('"forEach"');
  });

  it('writes the schema file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meridian-schema-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = await writeNativeJsonSchema(join(dir, 'schema', 'meridian.schema.json'));
    const written = JSON.parse(await readFile(file, 'utf8')) as unknown;
    expect(written).toEqual(nativeJsonSchema());
  });
});

describe('`meridian schema` with each provider’s `with:`', () => {
  const registry = registerBuiltinProviders(new ProviderRegistry());
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(nativeJsonSchema(withSchemas(registry)));
  const checks = providerChecks(registry);
  const natives = [
    ...globSync('examples/*/meridian.yaml', { cwd: REPO_ROOT }),
    ...globSync('test/fixtures/definitions/**/*.meridian.yaml', { cwd: REPO_ROOT }),
  ].map((file) => join(REPO_ROOT, file));

  it('accepts every example and fixture that Meridian accepts', async () => {
    let judged = 0;
    for (const file of natives) {
      const accepted = await loadDefinition(file, { ...checks, exports: LEDGER_EXPORTS }).then(
        () => true,
        () => false,
      );
      if (!accepted) continue;
      judged++;
      const document = parseYaml(await readFile(file, 'utf8')) as unknown;
      expect(validate(document), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
    expect(judged).toBeGreaterThanOrEqual(4);
  });

  it('flags a typo inside `with:`, a value of the wrong type and a missing required key, as `uses:` says', () => {
    const pipeline = (withBlock: Record<string, unknown>, uses = 'release'): unknown => ({
      pipeline: 'p',
      stages: [{ name: 'Deploy', actions: [{ name: 'a', uses, with: withBlock }] }],
    });
    expect(validate(pipeline({ target: '/srv/app', healthCheck: { url: 'http://127.0.0.1/', retries: '#{V.N}' } }))).toBe(true);
    expect(validate(pipeline({ target: '/srv/app', healthChek: { url: 'http://127.0.0.1/' } }))).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('healthChek');
    expect(validate(pipeline({ target: '/srv/app', healthCheck: { ulr: 'http://127.0.0.1/' } }))).toBe(false);
    expect(validate(pipeline({ target: '/srv/app', keep: [1] }))).toBe(false);
    expect(validate(pipeline({ mode: 'deploy' }))).toBe(false);
    // Both spellings of a CloudFormation key are taken; one of them is required.
    expect(validate(pipeline({ mode: 'DELETE_ONLY', stack: 's' }, 'cloudformation'))).toBe(true);
    expect(validate(pipeline({ ActionMode: 'DELETE_ONLY', StackName: 's' }, 'Deploy/AWS/CloudFormation'))).toBe(true);
    expect(validate(pipeline({ mode: 'DELETE_ONLY' }, 'cloudformation'))).toBe(false);
    expect(validate(pipeline({ mode: 'DELETE_ONLY', stak: 's' }, 'cloudformation'))).toBe(false);
  });
});
