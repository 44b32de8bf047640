/** Where a command writes. Kept as an object so commands never touch process.stdout directly. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: draw live views; otherwise print one plain line per event. */
  isTTY: boolean;
  debug: boolean;
}

export function processIO(debug: boolean): CliIO {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    debug,
  };
}
