/** Where a command writes. Kept as an object so commands never touch process.stdout directly. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: draw live views; otherwise print one plain line per event. */
  isTTY: boolean;
  debug: boolean;
}

export function processIO(debug: boolean): CliIO {
  // A reader that stops early (`meridian plan | head`) closes the pipe: stop quietly, as other
  // command-line tools do, instead of failing with an unhandled EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    debug,
  };
}
