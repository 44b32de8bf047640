/** Every recorded transition of the execution, newest first: who approved, overrides, retries, rollbacks (linked). */
import type { EventRecord } from '../api/types';
import { formatInstant } from '../lib/format';
import { LinkedIds } from './linked-ids';

export function EventsList({ events }: { events: EventRecord[] }) {
  const newestFirst = [...events].reverse();
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      {events.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <ol className="events" data-testid="events" tabIndex={0} aria-label="Events, newest first">
          {newestFirst.map((event) => (
            <li key={event.id} className={`event event--${event.type}`}>
              <time className="mono small" dateTime={event.at}>
                {formatInstant(event.at).slice(11)}
              </time>
              <span className="event__type small">{event.type}</span>
              <span>
                <LinkedIds text={event.description} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
