/**
 * The `with:` schemas of `meridian schema`: each registered type's configuration schema
 * (providers/config-schema.ts) keyed the way the native format takes it — its aliases
 * (`stack`) and the CodePipeline spelling (`StackName`) alike — for the `uses:` values that
 * name the type: its short name, `Category/Owner/Provider` and that with `@version`.
 */
import { actionTypeKey } from '../domain/pipeline.js';
import { SHORT_NAMES, withKeysOf } from '../definition/native/action-types.js';
import type { WithSchema } from '../definition/native/schema.js';
import { configJsonSchema } from '../providers/config-schema.js';
import type { ProviderRegistry } from '../providers/registry.js';

export function withSchemas(registry: ProviderRegistry): WithSchema[] {
  const out: WithSchema[] = [];
  for (const typeKey of registry.types()) {
    const schema = registry.schemaOf(typeKey);
    if (!schema) continue;
    const [category = '', owner = '', provider = ''] = typeKey.split('/');
    const type = { category, owner, provider, version: '1' } as Parameters<typeof withKeysOf>[0];
    const shortNames = Object.entries(SHORT_NAMES)
      .filter(([, known]) => actionTypeKey(known) === typeKey)
      .map(([name]) => name);
    out.push({ uses: [...shortNames, typeKey, `${typeKey}@1`], schema: configJsonSchema(schema, (key) => withKeysOf(type, key)) });
  }
  return out;
}
