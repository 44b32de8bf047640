/**
 * The CLI's settings that come from the environment, read here and nowhere else; the
 * stores take them as arguments.
 */

/** `MERIDIAN_MASTER_KEY`: base64 or hex of 32 bytes; unset or empty means `<state-dir>/master.key`. */
export function masterKeyFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_MASTER_KEY'];
  return value === undefined || value === '' ? undefined : value;
}
