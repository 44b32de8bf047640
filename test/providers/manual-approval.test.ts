import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { manualApprovalProvider } from '../../src/providers/manual-approval/index.js';
import type { ApprovalOutcome } from '../../src/domain/jobs/host-services.js';
import { makeAction, makeTestContext, type TestContextOptions } from './context.js';

function approval(awaitApproval?: () => Promise<ApprovalOutcome>): TestContextOptions {
  return {
    type: 'Approval/AWS/Manual',
    name: 'approve-eu',
    configuration: { CustomData: 'Check the EU canary', ExternalEntityLink: 'https://example.com/canary', NotificationArn: 'arn:aws:sns:eu-west-1:1:topic' },
    awaitApproval,
  };
}

describe('manual approval', () => {
  it('waits with instructions, then succeeds when approved', async () => {
    const test = await makeTestContext(approval(() => Promise.resolve({ status: 'Approved', by: 'ada', comment: 'looks good' })));
    const result = await manualApprovalProvider.run(test.ctx);
    expect(test.waiting).toHaveLength(1);
    expect(test.waiting[0]).toMatch(/^approval: run `meridian approve exec-1 approve-eu`/);
    expect(test.waiting[0]).toContain('Check the EU canary');
    expect(test.log()).toContain('review: https://example.com/canary');
    expect(test.log()).toContain('is not notified when running locally');
    expect(result).toEqual({ summary: 'approved by ada: looks good' });
  });

  it('fails with REJECTED, naming who rejected and why', async () => {
    const test = await makeTestContext(approval(() => Promise.resolve({ status: 'Rejected', by: 'bob', comment: 'error rate too high' })));
    const error = await manualApprovalProvider.run(test.ctx).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MeridianError);
    expect((error as MeridianError).code).toBe('REJECTED');
    expect((error as MeridianError).message).toBe('rejected by bob: error rate too high');
  });

  it('stops waiting as soon as the signal fires', async () => {
    const test = await makeTestContext(approval());
    const running = manualApprovalProvider.run(test.ctx);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reason = new MeridianError('TIMEOUT', 'no answer within 60 minutes');
    test.abort(reason);
    await expect(running).rejects.toBe(reason);
  });

  it('takes no artifacts', () => {
    const action = makeAction({ type: 'Approval/AWS/Manual', outputs: ['x'] });
    expect(manualApprovalProvider.validate?.(action).map((problem) => problem.message)).toEqual(['manual approval act cannot have input or output artifacts']);
  });
});
