/**
 * Is a delivery from who the webhook says may send it (docs/aws-behaviour.md §5.2)? GITHUB_HMAC: the
 * `X-Hub-Signature-256` HMAC of the raw body with the webhook's secret, checked with
 * `@octokit/webhooks-methods` (constant time). IP: the sender's address inside
 * `AllowedIPRange`. UNAUTHENTICATED: anyone.
 */
import { BlockList, isIPv4 } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { MeridianError } from '../../domain/errors.js';
import type { PipelineWebhook } from '../../domain/pipeline.js';
import type { Meridian } from '../../meridian.js';

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

export async function resolveSecret(webhook: PipelineWebhook, core: Pick<Meridian, 'parameters' | 'secrets'>): Promise<string> {
  const secret = webhook.secret;
  if (!secret) throw new MeridianError('INTERNAL', `webhook ${webhook.name} uses GITHUB_HMAC but has no secret; set its SecretToken`);
  try {
    if (secret.kind === 'plain') return secret.value;
    if (secret.kind === 'parameter') return (await core.parameters.get(secret.name)).value;
    return await core.secrets.get(secret.reference);
  } catch (error) {
    const where =
      secret.kind === 'parameter'
        ? `parameter ${secret.name} (meridian params put ${secret.name} ... --type SecureString)`
        : secret.kind === 'secret'
          ? `secret ${secret.reference} (meridian secrets put ...)`
          : 'the definition';
    throw new MeridianError(
      'INTERNAL',
      `the secret of webhook ${webhook.name} cannot be read from ${where}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function authenticate(
  webhook: PipelineWebhook,
  request: { rawBody: Buffer; signature: string | undefined; ip: string },
  core: Pick<Meridian, 'parameters' | 'secrets'>,
): Promise<AuthVerdict> {
  switch (webhook.authentication) {
    case 'UNAUTHENTICATED':
      return { ok: true };
    case 'IP':
      return ipAllowed(webhook.allowedIpRange ?? '', request.ip)
        ? { ok: true }
        : { ok: false, reason: `${request.ip} is outside ${webhook.allowedIpRange ?? 'the allowed range'}` };
    case 'GITHUB_HMAC': {
      if (request.signature === undefined) return { ok: false, reason: 'no X-Hub-Signature-256 header: give the GitHub webhook the shared secret' };
      if (!/^sha256=[0-9a-f]{64}$/.test(request.signature)) return { ok: false, reason: 'X-Hub-Signature-256 is not sha256=<64 hex digits>' };
      const secret = await resolveSecret(webhook, core);
      const valid = await verify(secret, request.rawBody.toString('utf8'), request.signature).catch(() => false);
      return valid ? { ok: true } : { ok: false, reason: 'X-Hub-Signature-256 does not match the body: check that GitHub and Meridian share the same secret' };
    }
  }
}

export function ipAllowed(cidr: string, ip: string): boolean {
  const [network = '', bits = ''] = cidr.split('/');
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  const list = new BlockList();
  const family = isIPv4(network) ? 'ipv4' : 'ipv6';
  try {
    if (bits === '') list.addAddress(network, family);
    else list.addSubnet(network, Number(bits), family);
    return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
