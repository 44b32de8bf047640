/** What the engine tells listeners (the CLI's progress view, later the server's live feed). */
export interface EngineEvent {
  executionId: string;
  at: string;
  type: string;
  stage: string | null;
  action: string | null;
  description: string;
  data: Record<string, unknown> | null;
}

export type EngineListener = (event: EngineEvent) => void;
