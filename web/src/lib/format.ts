/** How times, durations, digests and sizes read on the dashboard. */

export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function durationBetween(start: string | null, end: string | null, now: number): string {
  if (start === null) return '';
  return formatDuration((end === null ? now : Date.parse(end)) - Date.parse(start));
}

export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text = s < 45 ? `${s}s` : s < 2700 ? `${Math.round(s / 60)}m` : s < 86_400 * 1.5 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

// Making an Intl.DateTimeFormat costs far more than using one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'instant' | 'clock' | 'day', timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone ?? ''}`;
  let found = formatters.get(key);
  if (found === undefined) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'instant'
        ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
        : kind === 'day'
          ? { weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : { hour: '2-digit', minute: '2-digit', weekday: 'short', hour12: false };
    if (timeZone !== undefined) options.timeZone = timeZone;
    found = new Intl.DateTimeFormat(kind === 'instant' ? 'en-CA' : 'en-GB', options);
    formatters.set(key, found);
  }
  return found;
}

/** `2026-03-29 14:05:09` in the browser's zone, or in `timeZone`. */
export function formatInstant(iso: string, timeZone?: string): string {
  const parts = Object.fromEntries(
    formatter('instant', timeZone)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}:${parts.second}`;
}

/** `14:05` and the weekday in a time zone. */
export function localClock(at: Date, timeZone: string): { time: string; day: string; hour: number } {
  const parts = Object.fromEntries(
    formatter('clock', timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const hour = Number(parts.hour) % 24;
  return { time: `${String(hour).padStart(2, '0')}:${parts.minute ?? '00'}`, day: parts.weekday ?? '', hour };
}

/** `Mon 07 Dec 01:00` in a time zone: a day and a time, for instants that may fall on another day. */
export function localDateTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter('day', timeZone)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday ?? ''} ${parts.day ?? ''} ${parts.month ?? ''} ${parts.hour ?? ''}:${parts.minute ?? ''}`;
}

/** `Mon 07 Dec 01:00 – 05:00`, or with the second day when the span ends on another one. */
export function localSpan(fromIso: string, toIso: string, timeZone: string): string {
  const from = localDateTime(fromIso, timeZone);
  const to = localDateTime(toIso, timeZone);
  return from.slice(0, -5) === to.slice(0, -5) ? `${from} – ${to.slice(-5)}` : `${from} – ${to}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
