/**
 * `TimeZone` as CodePipeline's DeploymentWindow rule and Meridian's regions write it:
 * an IANA `Region/City` name, `UTC`, or a fixed `UTC±HH:MM`. AWS also takes abbreviations;
 * Meridian reads one only when it names exactly one zone that keeps one offset all year
 * (`JST` is Asia/Tokyo, `HST` Pacific/Honolulu), so it means the same instant in every season.
 * The others (`CST`, `PST`, `AKST`...) are refused, each with the zones it may mean: they
 * name several zones or one season's offset, and reading one silently would move a window by
 * hours.
 */
import { ABBREVIATIONS } from './abbreviations.js';
import { parsed, problemAt, refused, type Parsed } from './problems.js';
import { UTC, type TimeZone } from './zone.js';

const FIXED = /^UTC([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const ETC_GMT = /^Etc\/GMT([+-])(\d{1,2})$/i;
const EXAMPLES = 'an IANA name such as Europe/Dublin or America/New_York, UTC, or a fixed offset such as UTC+05:30';

export function parseTimeZone(text: string): Parsed<TimeZone> {
  const start = text.length - text.trimStart().length;
  const name = text.trim();
  const fail = (message: string, hint: string): Parsed<TimeZone> => refused([problemAt(start, name.length, message, hint)]);
  if (name === '') return fail('the time zone is empty', `write ${EXAMPLES}`);
  if (/^(UTC|Etc\/UTC)$/i.test(name)) return parsed(UTC);

  const fixed = FIXED.exec(name);
  if (fixed) return fixedOffset(fixed[1] === '-' ? -1 : 1, Number(fixed[2]), Number(fixed[3] ?? '0'), fail);

  const gmt = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(name);
  if (gmt) {
    const written = `UTC${gmt[1] ?? '+'}${(gmt[2] ?? '').padStart(2, '0')}:${gmt[3] ?? '00'}`;
    return fail(`\`${name}\` is written with GMT`, `write ${written}`);
  }

  const etc = ETC_GMT.exec(name);
  if (etc) {
    // POSIX sign convention: Etc/GMT+5 is five hours *behind* UTC.
    const hours = String(Number(etc[2])).padStart(2, '0');
    return fail(`\`${name}\` has an inverted sign (it means UTC${etc[1] === '+' ? '-' : '+'}${hours}:00)`, `write UTC${etc[1] === '+' ? '-' : '+'}${hours}:00`);
  }

  const candidates = ABBREVIATIONS[name.toUpperCase()];
  const only = candidates?.length === 1 ? candidates[0] : undefined;
  if (only !== undefined && only.zone.includes('/') && keepsOneOffset(only.zone)) return parsed({ kind: 'iana', name: only.zone });
  if (candidates !== undefined) {
    const options = candidates.map((c) => `${c.zone} (${c.meaning})`).join(', or ');
    const message =
      candidates.length > 1 ? `\`${name}\` is ambiguous: it is an abbreviation that names several zones` : `\`${name}\` is an abbreviation, not a time zone`;
    return fail(message, `write ${options}`);
  }

  if (name.includes('/')) {
    const zone = ianaZone(name);
    if (zone !== undefined) return parsed(zone);
  }
  const nearby = sameCity(name);
  return fail(`\`${name}\` is not a time zone`, nearby.length > 0 ? `write ${nearby.join(' or ')}` : `write ${EXAMPLES}`);
}

function fixedOffset(sign: number, hours: number, minutes: number, fail: (m: string, h: string) => Parsed<TimeZone>): Parsed<TimeZone> {
  const offsetMinutes = sign * (hours * 60 + minutes);
  if (minutes > 59 || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60) {
    return fail('a UTC offset runs from UTC-12:00 to UTC+14:00', 'write UTC±HH:MM, for example UTC+05:30 or UTC-08:00');
  }
  if (offsetMinutes === 0) return parsed(UTC);
  const name = `UTC${sign < 0 ? '-' : '+'}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  return parsed({ kind: 'fixed', name, offsetMinutes });
}

/** Whether a zone has the same UTC offset in January and July (no daylight time) in this and the next year. */
function keepsOneOffset(zone: string): boolean {
  const offset = (at: Date): string =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const year = new Date().getUTCFullYear();
  const instants = [year, year + 1].flatMap((y) => [Date.UTC(y, 0, 15), Date.UTC(y, 6, 15)]).map((t) => offset(new Date(t)));
  return new Set(instants).size === 1;
}

function ianaZone(name: string): TimeZone | undefined {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Keep the name as written (ICU maps Asia/Kolkata to Asia/Calcutta), fixing only its case.
    return { kind: 'iana', name: resolved.toLowerCase() === name.toLowerCase() ? resolved : name };
  } catch {
    return undefined;
  }
}

/** Zones whose city is the one written, for `Dublin` or `Europe/Dubln`-style mistakes. */
function sameCity(name: string): string[] {
  const city = (name.split('/').at(-1) ?? name).toLowerCase().replaceAll(' ', '_');
  if (city.length < 3) return [];
  return Intl.supportedValuesOf('timeZone').filter((zone) => (zone.split('/').at(-1) ?? '').toLowerCase() === city);
}
