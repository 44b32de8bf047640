import { describe, expect, it } from 'vitest';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { ProviderRegistry } from '../../src/providers/registry.js';

describe('built-in providers', () => {
  it('register every action type once', () => {
    const registry = registerBuiltinProviders(new ProviderRegistry());
    expect(registry.types()).toEqual([
      'Approval/AWS/Manual',
      'Build/AWS/CodeBuild',
      'Compute/AWS/Commands',
      'Compute/Meridian/Noop',
      'Deploy/AWS/CloudFormation',
      'Deploy/Meridian/Release',
      'Source/AWS/CodeCommit',
      'Source/AWS/CodeStarSourceConnection',
      'Source/Meridian/Git',
      'Source/ThirdParty/GitHub',
      'Test/AWS/CodeBuild',
    ]);
    for (const type of registry.types()) expect(registry.get(type).capabilities).toEqual({ idempotent: true, cancellable: true });
  });
});
