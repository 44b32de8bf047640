/** The operator's writes: answer an approval, retry a stage, stop, override a region's window, roll a stage back, halt deploys. */
import { api, encode } from './client';
import type { Halt } from './queries';

export function answerApproval(executionId: string, stage: string, action: string, status: 'Approved' | 'Rejected', comment: string) {
  const body: Record<string, string> = { status, stage };
  if (comment.trim() !== '') body.comment = comment.trim();
  return api(`executions/${encode(executionId)}/approvals/${encode(action)}`, { method: 'POST', body });
}

export function retryStage(executionId: string, retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS') {
  return api(`executions/${encode(executionId)}/retry`, { method: 'POST', body: { retryMode } });
}

export function stopExecution(executionId: string, abandon: boolean, reason: string) {
  const body: { abandon: boolean; reason?: string } = { abandon };
  if (reason.trim() !== '') body.reason = reason.trim();
  return api(`executions/${encode(executionId)}/stop`, { method: 'POST', body });
}

export function overrideWindow(executionId: string, region: string, reason: string) {
  return api(`executions/${encode(executionId)}/windows/${encode(region)}/override`, { method: 'POST', body: { reason: reason.trim() } });
}

/** RollbackStage (docs/windows.md "Rollback"): without a target each region goes back to its last good run of the stage. */
export function rollbackStage(pipeline: string, stage: string, request: { targetPipelineExecutionId?: string; regions?: string[] }) {
  return api<{ executionIds: string[]; by: string }>(`pipelines/${encode(pipeline)}/stages/${encode(stage)}/rollback`, { method: 'POST', body: request });
}

/** An emergency halt of deploy steps in a region, or everywhere (`region` null); 409 while one of that scope is active. */
export function haltDeploys(region: string | null, reason: string) {
  return api<Halt>('halts', { method: 'POST', body: { ...(region === null ? {} : { region }), reason: reason.trim() } });
}

export function liftHalt(region: string | null, reason: string) {
  return api<Halt>('halts/lift', { method: 'POST', body: { ...(region === null ? {} : { region }), reason: reason.trim() } });
}
