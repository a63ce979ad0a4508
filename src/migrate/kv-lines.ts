// Line reader shared by the ldirectord.cf and ha.cf converters: strips comments (a '#' outside
// double quotes) and blank lines, keeps the line number and whether the line was indented.

export interface SourceLine { line: number; text: string; indented: boolean }

export function readLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let inQ = false, cut = raw.length;
    for (let j = 0; j < raw.length; j++) {
      const c = raw[j];
      if (c === '"') inQ = !inQ;
      else if (c === '#' && !inQ) { cut = j; break; }
    }
    const body = raw.slice(0, cut);
    const t = body.trim();
    if (t) out.push({ line: i + 1, text: t, indented: /^\s/.test(body) });
  });
  return out;
}

/** Splits on whitespace, keeping "double quoted" words whole (quotes removed). */
export function words(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m; (m = re.exec(s));) out.push(m[1] ?? m[2]);
  return out;
}

export function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Seconds from heartbeat/ldirectord time values: "2", "1.5", "200ms", "2s". */
export function parseSeconds(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : n;
}
