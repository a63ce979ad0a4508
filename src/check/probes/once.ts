// "Fire once" guard shared by the probes: a check ends on whichever comes first (reply, error,
// close, timeout), and only that first ending may clean up and report; later ones are ignored.
// `done` tells loops still draining buffered input that the check has already ended.

export type Once<T> = ((v: T) => boolean) & { readonly done: boolean };

/** Wraps `fn` so that only its first call runs; each call returns whether it was that first one. */
export function once<T>(fn: (v: T) => void): Once<T> {
  let done = false;
  const f = (v: T): boolean => {
    if (done) return false;
    done = true;
    fn(v);
    return true;
  };
  Object.defineProperty(f, 'done', { get: () => done, enumerable: true });
  return f as Once<T>;
}
