import { SECRET_MARKER } from '../domain/secret-fields.js';

/** Replaces secret values with SECRET_MARKER (`****`) wherever they would be shown or stored. */
export class Masker {
  private readonly values = new Set<string>();

  add(value: string): void {
    // Very short values would mask ordinary text everywhere; CodeBuild masks them anyway, so do we,
    // but never the empty string.
    if (value.length > 0) this.values.add(value);
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(value).join(SECRET_MARKER);
    return out;
  }

  maskRecord(record: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, this.mask(value)]));
  }
}
