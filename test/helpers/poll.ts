// Polling a condition in tests that assert on the outcome themselves (netns.ts waitFor throws on
// timeout instead).

/** Checks `cond` every `stepMs` until it holds or `ms` have passed; the last check's answer. */
export async function pollUntil(cond: () => boolean, ms: number, stepMs = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}
