/** The configuration of `Deploy/Meridian/Release` (native `uses: release`), as config-schema.ts reads it. */
import type { ConfigSchema } from '../config-schema.js';
import { RELEASE_MODES } from './config.js';

const seconds = (description: string, fallback: number) => ({ type: 'number' as const, description, default: fallback });

export const RELEASE_SCHEMA: ConfigSchema = {
  summary:
    'Copies an artifact to a target as a new release folder, switches `current` to it atomically, runs hooks and a health check, and goes back on failure.',
  fields: {
    target: {
      type: 'string',
      required: true,
      description: 'Where releases go: `file:///abs/path`, `/abs/path`, a folder inside the state dir, or `ssh://user@host[:port]/path`.',
      example: 'ssh://deploy@app-1.eu.internal/srv/service-x',
    },
    mode: {
      type: 'string',
      values: RELEASE_MODES,
      default: 'deploy',
      description: '`prepare` copies the release without switching, `activate` switches to a prepared one, `deploy` does both.',
    },
    artifact: { type: 'string', description: 'The input artifact to release. Default: the first input.', example: 'app' },
    path: { type: 'string', description: 'The folder inside the artifact to release. Default: its root.', example: 'dist' },
    releaseId: {
      type: 'string',
      description: 'The release folder name (letters, digits, `.`, `-`, `_`). Default: the execution id. Exported as `ReleaseId`.',
      example: '#{Build.Version}',
    },
    url: {
      type: 'string',
      description: 'Where the released service answers; printed after a run and exported as `Url`.',
      example: 'http://127.0.0.1:8080',
    },
    keep: { type: 'integer', default: 5, description: 'How many earlier releases stay on the target (at least 1).' },
    shared: {
      type: 'list',
      description: 'Paths inside each release linked to `shared/` on the target, kept across releases.',
      example: ['logs', 'config/app.env'],
    },
    hooks: {
      type: 'object',
      description:
        'Shell commands run on the target in the release folder: `beforeActivate` before the switch, `activate` to (re)start the service, `afterActivate` after it. A service a hook starts in the background (`nohup … &`, `setsid`) keeps running after the hook.',
      example: { activate: 'systemctl --user restart service-x' },
      fields: {
        beforeActivate: { type: 'string', description: 'Runs before `current` switches to the new release.' },
        activate: { type: 'string', description: 'Runs after the switch: start or restart the service.' },
        afterActivate: { type: 'string', description: 'Runs after `activate` succeeded.' },
      },
    },
    healthCheck: {
      type: 'object',
      description: 'Checked after `activate`: exactly one of `url` or `command`, retried until it passes; a failure goes back to the previous release.',
      example: { url: 'http://127.0.0.1:8080/health', bodyContains: 'ok', retries: 10 },
      fields: {
        url: { type: 'string', description: 'An http(s) URL that must answer `expectStatus`.', example: 'http://127.0.0.1:8080/health' },
        command: {
          type: 'string',
          description: 'A shell command on the target that must exit 0 (instead of `url`).',
          example: 'curl -fs localhost:8080/health',
        },
        bodyContains: { type: 'string', description: "Text the URL's answer must contain.", example: 'ok' },
        expectStatus: { type: 'integer', default: 200, description: 'The HTTP status the URL must answer.' },
        retries: { type: 'integer', default: 10, description: 'How many tries before the check fails.' },
        intervalSeconds: seconds('Seconds between tries.', 1),
        timeoutSeconds: seconds('Seconds each try may take.', 5),
      },
    },
    sshKey: { type: 'string', description: "Private key file for an `ssh://` target. Default: ssh's own.", example: '~/.ssh/deploy_ed25519' },
    knownHosts: { type: 'string', description: 'Known-hosts file for an `ssh://` target. Default: `~/.ssh/known_hosts`.' },
    strictHostKeyChecking: { type: 'boolean', default: true, description: 'Refuse an `ssh://` host whose key is not known.' },
  },
  example: {
    target: '/srv/service-x',
    url: 'http://127.0.0.1:8080',
    hooks: { activate: 'nohup node server.js > server.log 2>&1 &' },
    healthCheck: { url: 'http://127.0.0.1:8080/health', bodyContains: 'ok' },
  },
};
