import type { EventRecord } from '../domain/records.js';

/** What the engine tells listeners (the CLI's progress view, later the server's live feed): a committed event. */
export type EngineEvent = Omit<EventRecord, 'id'>;

export type EngineListener = (event: EngineEvent) => void;
