/** The log pane's ANSI colours: SGR codes to styles, carried across lines; other escapes dropped. */
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../web/src/logs/ansi.js';

describe('ANSI colours in logs', () => {
  it('turns SGR codes into styled segments and resets them', () => {
    const { segments, end } = parseAnsi('\u001b[1;32mok\u001b[0m plain \u001b[31mred');
    expect(segments).toEqual([
      { text: 'ok', style: { bold: true, fg: 'var(--ansi-2)' } },
      { text: ' plain ', style: {} },
      { text: 'red', style: { fg: 'var(--ansi-1)' } },
    ]);
    // The colour is still on at the end of the line, and carries into the next one.
    expect(parseAnsi('still red', end).segments).toEqual([{ text: 'still red', style: { fg: 'var(--ansi-1)' } }]);
  });

  it('reads bright, background, 256-colour and true-colour codes', () => {
    expect(parseAnsi('\u001b[93;44mx').segments[0]?.style).toEqual({ fg: 'var(--ansi-11)', bg: 'var(--ansi-4)' });
    expect(parseAnsi('\u001b[38;5;196mx').segments[0]?.style).toEqual({ fg: 'rgb(255, 0, 0)' });
    expect(parseAnsi('\u001b[38;5;244mx').segments[0]?.style).toEqual({ fg: 'rgb(128, 128, 128)' });
    expect(parseAnsi('\u001b[48;2;1;2;3mx').segments[0]?.style).toEqual({ bg: 'rgb(1, 2, 3)' });
    expect(parseAnsi('\u001b[1;2m\u001b[22mx').segments[0]?.style).toEqual({});
    expect(parseAnsi('\u001b[31m\u001b[39mx').segments[0]?.style).toEqual({});
  });

  it('drops cursor moves and titles, and keeps what follows a carriage return', () => {
    expect(stripAnsi('\u001b[2K\u001b[1Gdone\u001b]0;title\u0007!')).toBe('done!');
    expect(stripAnsi('10%\r50%\r100%')).toBe('100%');
    expect(stripAnsi('****')).toBe('****');
  });
});
