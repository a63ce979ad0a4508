// One copy of each repeated string in a received object tree. A child process gets its config
// through JSON IPC, which makes a new string for every occurrence: each of the 21,000 source
// positions of a 10,000-real-server config carried its own copy of the file name (1 MB). Walks the
// tree once and makes equal strings the same string; objects keep their shapes (values replaced in
// place, nothing deleted or added).

/** Replaces, in place, every string value and array element of `root` by one shared instance per content. */
export function shareStrings<T>(root: T): T {
  const seen = new Map<string, string>();
  const one = (s: string): string => {
    const c = seen.get(s);
    if (c !== undefined) return c;
    seen.set(s, s);
    return s;
  };
  const stack: unknown[] = [root];
  const visited = new Set<object>();
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || visited.has(v)) continue;
    visited.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        if (typeof e === 'string') v[i] = one(e); else if (typeof e === 'object' && e !== null) stack.push(e);
      }
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      const e = o[k];
      if (typeof e === 'string') o[k] = one(e); // always assign: === compares content, not identity
      else if (typeof e === 'object' && e !== null) stack.push(e);
    }
  }
  return root;
}
