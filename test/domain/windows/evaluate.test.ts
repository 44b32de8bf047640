import { describe, expect, it } from 'vitest';
import { UTC, allowedIntervals, isOpen, windowStateAt } from '../../../src/domain/windows/index.js';
import { allow, at, deny, iso, spans, zone } from './helpers.js';

const dublin = zone('Europe/Dublin');

describe('windowStateAt', () => {
  it('is always open with no windows', () => {
    expect(windowStateAt([], dublin, at('2026-06-01T12:00:00Z'))).toEqual({ open: true, openedAt: null, closesAt: null, closesBecause: null });
    expect(isOpen([], dublin, at('2026-06-01T12:00:00Z'))).toBe(true);
  });

  it('inside a window: open, since its start, until its end', () => {
    // Wednesday 2026-01-14, 02:30 in Dublin (GMT in winter).
    const state = windowStateAt([allow('Mon-Fri 01:00-05:00')], dublin, at('2026-01-14T02:30:00Z'));
    expect(state.open).toBe(true);
    if (!state.open) return;
    expect(iso(state.openedAt)).toBe('2026-01-14T01:00:00Z');
    expect(iso(state.closesAt)).toBe('2026-01-14T05:00:00Z');
    expect(state.closesBecause?.message).toBe('outside Mon-Fri 01:00-05:00');
  });

  it('outside a window: closed, says why, and when it opens and closes next', () => {
    const state = windowStateAt([allow('Mon-Fri 01:00-05:00')], dublin, at('2026-01-16T12:00:00Z')); // Friday noon
    expect(state).toMatchObject({ open: false, closure: { kind: 'outside', message: 'outside Mon-Fri 01:00-05:00' } });
    if (state.open) return;
    expect(iso(state.opensAt)).toBe('2026-01-19T01:00:00Z'); // Monday
    expect(iso(state.closesAt)).toBe('2026-01-19T05:00:00Z');
  });

  it('the interval is half-open: open at its start, closed at its end', () => {
    const windows = [allow('daily 01:00-05:00')];
    expect(isOpen(windows, UTC, at('2026-01-14T01:00:00Z'))).toBe(true);
    expect(isOpen(windows, UTC, at('2026-01-14T00:59:59.999Z'))).toBe(false);
    expect(isOpen(windows, UTC, at('2026-01-14T04:59:59.999Z'))).toBe(true);
    expect(isOpen(windows, UTC, at('2026-01-14T05:00:00Z'))).toBe(false);
  });

  it('reads windows in the region zone', () => {
    const ny = zone('America/New_York');
    // 01:00-05:00 in New York in January is 06:00-10:00 UTC.
    expect(isOpen([allow('daily 01:00-05:00')], ny, at('2026-01-14T05:59:00Z'))).toBe(false);
    expect(isOpen([allow('daily 01:00-05:00')], ny, at('2026-01-14T06:00:00Z'))).toBe(true);
  });

  it('a window with its own zone (a DeploymentWindow rule TimeZone) ignores the region zone', () => {
    const windows = [allow('0 0 9-17 ? * MON-FRI *', 'America/New_York')];
    expect(isOpen(windows, dublin, at('2026-01-14T14:00:00Z'))).toBe(true); // 09:00 in New York
    expect(isOpen(windows, dublin, at('2026-01-14T13:59:59Z'))).toBe(false);
    const state = windowStateAt(windows, dublin, at('2026-01-14T12:00:00Z'));
    expect(state).toMatchObject({ open: false, closure: { message: 'outside 0 0 9-17 ? * MON-FRI * (America/New_York)' } });
  });

  it('adjacent windows make one interval', () => {
    const windows = [allow('Mon 22:00-24:00'), allow('Tue 00:00-03:00')];
    const state = windowStateAt(windows, UTC, at('2026-01-12T23:00:00Z'));
    expect(state).toMatchObject({ open: true });
    if (!state.open) return;
    expect(iso(state.openedAt)).toBe('2026-01-12T22:00:00Z');
    expect(iso(state.closesAt)).toBe('2026-01-13T03:00:00Z');
  });

  it('says null when the next opening is beyond the horizon', () => {
    const windows = [allow('2028-01-01 to 2028-01-02')];
    const state = windowStateAt(windows, UTC, at('2026-06-01T00:00:00Z'));
    expect(state).toMatchObject({ open: false, opensAt: null, closesAt: null });
    const further = windowStateAt(windows, UTC, at('2026-06-01T00:00:00Z'), { horizonDays: 800 });
    expect(further).toMatchObject({ open: false });
    if (further.open) return;
    expect(iso(further.opensAt)).toBe('2028-01-01T00:00:00Z');
    expect(iso(further.closesAt)).toBe('2028-01-03T00:00:00Z');
  });

  it('an interval that runs past the horizon has no closesAt', () => {
    const state = windowStateAt([allow('* * * ? * * *')], UTC, at('2026-06-01T00:00:00Z'), { horizonDays: 10 });
    expect(state).toMatchObject({ open: true, openedAt: null, closesAt: null, closesBecause: null });
  });
});

describe('cross-midnight ranges', () => {
  const windows = [allow('Fri 22:00-02:00')];

  it('belong to their start day: Friday night into Saturday', () => {
    expect(isOpen(windows, UTC, at('2026-01-16T22:00:00Z'))).toBe(true); // Friday 22:00
    expect(isOpen(windows, UTC, at('2026-01-17T01:59:00Z'))).toBe(true); // Saturday 01:59
    expect(isOpen(windows, UTC, at('2026-01-17T02:00:00Z'))).toBe(false);
    expect(isOpen(windows, UTC, at('2026-01-16T01:00:00Z'))).toBe(false); // Friday 01:00 is Thursday's night
  });

  it('is one interval of four hours', () => {
    expect(spans(allowedIntervals(windows, UTC, at('2026-01-12T00:00:00Z'), at('2026-01-19T00:00:00Z')))).toEqual([
      '2026-01-16T22:00:00Z - 2026-01-17T02:00:00Z',
    ]);
  });

  it('a Sunday night range crosses into the next week', () => {
    expect(spans(allowedIntervals([allow('Sun 23:00-01:00')], UTC, at('2026-01-18T00:00:00Z'), at('2026-01-20T00:00:00Z')))).toEqual([
      '2026-01-18T23:00:00Z - 2026-01-19T01:00:00Z',
    ]);
  });
});

describe('deny wins over allow', () => {
  const windows = [allow('daily 00:00-24:00'), deny('2026-12-20 00:00 to 2027-01-04 00:00', 'year-end freeze')];

  it('closes an allowed instant and names the deny window and its reason', () => {
    const state = windowStateAt(windows, dublin, at('2026-12-25T12:00:00Z'));
    expect(state).toMatchObject({
      open: false,
      closure: { kind: 'deny', reason: 'year-end freeze', message: 'deny window 2026-12-20 00:00 to 2027-01-04 00:00: year-end freeze' },
    });
    if (state.open) return;
    expect(iso(state.opensAt)).toBe('2027-01-04T00:00:00Z');
  });

  it('cuts the current interval: it closes when the freeze begins', () => {
    const state = windowStateAt(windows, dublin, at('2026-12-19T12:00:00Z'));
    expect(state).toMatchObject({ open: true, closesBecause: { kind: 'deny', reason: 'year-end freeze' } });
    if (!state.open) return;
    expect(iso(state.closesAt)).toBe('2026-12-20T00:00:00Z');
  });

  it('a recurring deny inside an allow window splits it', () => {
    const split = [allow('Mon-Fri 00:00-06:00'), deny('Wed 02:00-03:00', 'backups')];
    expect(spans(allowedIntervals(split, UTC, at('2026-01-14T00:00:00Z'), at('2026-01-15T00:00:00Z')))).toEqual([
      '2026-01-14T00:00:00Z - 2026-01-14T02:00:00Z',
      '2026-01-14T03:00:00Z - 2026-01-14T06:00:00Z',
    ]);
    expect(windowStateAt(split, UTC, at('2026-01-14T02:30:00Z'))).toMatchObject({ open: false, closure: { message: 'deny window Wed 02:00-03:00: backups' } });
  });

  it('is named first even when the instant is also outside every allow window', () => {
    const both = [allow('Mon-Fri 01:00-05:00'), deny('Sat-Sun 00:00-24:00', 'weekend')];
    expect(windowStateAt(both, UTC, at('2026-01-17T12:00:00Z'))).toMatchObject({ open: false, closure: { kind: 'deny', reason: 'weekend' } });
  });

  it('deny windows alone: open except when denied', () => {
    const only = [deny('Fri 12:00-24:00', 'no Friday deploys')];
    expect(isOpen(only, UTC, at('2026-01-15T12:00:00Z'))).toBe(true);
    expect(isOpen(only, UTC, at('2026-01-16T12:00:00Z'))).toBe(false);
    const state = windowStateAt(only, UTC, at('2026-01-16T13:00:00Z'));
    expect(state).toMatchObject({ open: false, closure: { message: 'deny window Fri 12:00-24:00: no Friday deploys' } });
    if (state.open) return;
    expect(iso(state.opensAt)).toBe('2026-01-17T00:00:00Z');
    expect(iso(state.closesAt)).toBe('2026-01-23T12:00:00Z');
  });

  it('a deny window without a reason still says which window', () => {
    expect(windowStateAt([deny('daily 00:00-24:00')], UTC, at('2026-01-17T12:00:00Z'))).toMatchObject({
      closure: { message: 'deny window daily 00:00-24:00', reason: null },
    });
  });
});

describe('allowedIntervals', () => {
  it('gives a 48-hour timeline clipped to its range', () => {
    const windows = [allow('Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00')];
    // Friday 2026-01-16 03:00 to Sunday 03:00, UTC.
    expect(spans(allowedIntervals(windows, UTC, at('2026-01-16T03:00:00Z'), at('2026-01-18T03:00:00Z')))).toEqual([
      '2026-01-16T03:00:00Z - 2026-01-16T05:00:00Z',
      '2026-01-17T00:00:00Z - 2026-01-17T08:00:00Z',
      '2026-01-18T00:00:00Z - 2026-01-18T03:00:00Z',
    ]);
  });

  it('is the whole range with no windows, and merges across days', () => {
    expect(spans(allowedIntervals([], UTC, at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z')))).toEqual(['2026-01-01T00:00:00Z - 2026-01-03T00:00:00Z']);
    const nights = [allow('daily 00:00-24:00')];
    expect(spans(allowedIntervals(nights, UTC, at('2026-01-01T00:00:00Z'), at('2026-01-20T00:00:00Z')))).toEqual([
      '2026-01-01T00:00:00Z - 2026-01-20T00:00:00Z',
    ]);
  });
});
