/** The configuration of `Approval/AWS/Manual` (native `uses: approval`), as config-schema.ts reads it. */
import type { ConfigSchema } from '../config-schema.js';

export const APPROVAL_SCHEMA: ConfigSchema = {
  summary: 'Waits until a person approves or rejects it (`meridian approve|reject`, the API or the dashboard).',
  fields: {
    CustomData: { type: 'string', description: 'What the approver reads, at most 500 characters.', example: 'Release #{Src.CommitId} to production?' },
    ExternalEntityLink: { type: 'string', description: 'A link for the approver to review.', example: 'https://ci.example.com/diff' },
    NotificationArn: { type: 'string', description: 'An SNS topic: accepted, not notified when running locally.' },
  },
  example: { CustomData: 'Ship it?', ExternalEntityLink: 'https://ci.example.com/diff' },
};
