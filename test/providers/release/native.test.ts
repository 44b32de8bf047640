import { describe, expect, it } from 'vitest';
import { mapConfiguration, resolveUses } from '../../../src/definition/native/action-types.js';
import { registerBuiltinProviders } from '../../../src/providers/builtin.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';

describe('the release action in native YAML', () => {
  it('`uses: release` is Deploy/Meridian/Release and its `with:` keys pass through as written', () => {
    const resolved = resolveUses('release');
    expect(resolved).toEqual({ type: { category: 'Deploy', owner: 'Meridian', provider: 'Release', version: '1' } });
    if (!('type' in resolved)) return;
    const given = {
      target: 'ssh://deploy@host/srv/app',
      mode: 'prepare',
      releaseId: 'r1',
      keep: 3,
      shared: ['logs'],
      hooks: { activate: 'x' },
      healthCheck: { url: 'http://h/' },
      sshKey: '/k',
      knownHosts: '/kh',
      strictHostKeyChecking: true,
    };
    expect(mapConfiguration(resolved.type, given).configuration).toEqual(given);
  });

  it('is a built-in provider', () => {
    expect(registerBuiltinProviders(new ProviderRegistry()).find('Deploy/Meridian/Release')?.types).toEqual(['Deploy/Meridian/Release']);
  });
});
