import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { nativeJsonSchema, writeNativeJsonSchema } from '../../src/definition/native/schema.js';

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
