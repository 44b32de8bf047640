/**
 * docs/reference/ is what the providers' configuration schemas say now, and each schema's
 * own example passes its check: the reference cannot drift from what `validate` refuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePages } from '../../src/cli/provider-reference.js';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { configProblems } from '../../src/providers/config-schema.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { REPO_ROOT } from '../helpers/cli.js';

const registry = registerBuiltinProviders(new ProviderRegistry());
const FOLDER = join(REPO_ROOT, 'docs', 'reference');

describe('the action reference', () => {
  it('is the pages `meridian providers --reference` writes now, one per type with a schema', () => {
    const pages = referencePages(registry);
    expect(readdirSync(FOLDER).sort()).toEqual([...pages.keys()].sort());
    for (const [file, text] of pages) {
      expect(readFileSync(join(FOLDER, file), 'utf8'), `docs/reference/${file} is stale: run \`npm run docs\` and commit it`).toBe(text);
    }
  });

  it('covers every built-in type, and each example passes its own schema', () => {
    for (const type of registry.types()) {
      const schema = registry.schemaOf(type);
      expect(schema, `${type} has no configuration schema`).toBeDefined();
      expect(configProblems(schema!, schema!.example, type), type).toEqual([]);
    }
  });
});
