import type { EngineEvent } from '../../engine/engine-events.js';

/** Without a terminal: one plain line per event, easy to grep and to read in CI logs. */
export function plainLine(event: EngineEvent): string {
  const time = event.at.slice(11, 23);
  const where = event.stage ? `[${event.stage}] ` : '';
  return `${time} ${where}${event.description}\n`;
}
