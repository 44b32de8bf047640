/**
 * A value made on first use and kept: for the large SDKs (the AWS clients) that only some
 * commands need, loaded with `import()` so that the others do not evaluate them at start-up.
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
