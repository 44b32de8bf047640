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

/**
 * Writes lines that come in bursts (a server's events, one after another as a transaction
 * commits; an agent's job lines) in one write per burst: each write to a pipe is a system
 * call, and a server printing every event of 50 parallel actions made hundreds of them a
 * second. What is held is written once the current burst of work is over, and at exit.
 */
export function burstWriter(write: (text: string) => void): (text: string) => void {
  let held = '';
  const flush = (): void => {
    if (held === '') return;
    const text = held;
    held = '';
    write(text);
  };
  process.on('exit', flush);
  return (text) => {
    if (held === '') setImmediate(flush);
    held += text;
  };
}
