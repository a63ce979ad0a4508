// Fuzz target: the messages between the parent and its children. Real messages recorded from the
// daemon's Parent and real child processes (fixtures/ipc-messages.json), mutated as JSON values
// (keys dropped or added, values of another type, huge numbers and strings, deep nesting, another
// message's type) or as the channel's bytes, then given to the receiving side's gate,
// decodeParentToChild() / decodeChildToParent() (src/daemon/ipc.ts), as Node's channel delivers
// them (JSON.parse of one line). Accepted messages then go through what the receiver does first
// (the child's shareStrings() of a configuration; the parent's sum of a child's CPU usage) and are
// checked for the fields the handlers read. Bytes that are no JSON are counted apart: Node's
// channel itself throws on them in the receiving process (measured: the child exits 1 and is
// respawned), before any code of ours runs; only Node's JSON.stringify in our parent writes there.
import * as fs from 'node:fs';
import { malformedInput } from '../../src/common/malformed.js';
import { shareStrings } from '../../src/common/share-strings.js';
import { decodeChildToParent, decodeParentToChild, type ChildToParent, type ParentToChild } from '../../src/daemon/ipc.js';
import { mutate, type FuzzTarget, type Rng } from './harness.js';

const FIXTURE = new URL('./fixtures/ipc-messages.json', import.meta.url);

export interface IpcInput { toChild: boolean; line: string }

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const TYPES = ['init', 'reload-begin', 'reload', 'stop', 'dump', 'started', 'reloaded', 'stopped', 'permanent-error', 'bogus', ''];

/** Marks a place for `[[[...0...]]]` nested N deep (JSON.stringify cannot write that deep, JSON.parse reads it). */
const DEEP = '__deep__';
const deepen = (text: string): string => text.replace(new RegExp(`"${DEEP}(\\d+)"`, 'g'), (_, n: string) => `${'['.repeat(Number(n))}0${']'.repeat(Number(n))}`);

function anyValue(rng: Rng, depth = 0): Json {
  const r = rng.int(depth > 2 ? 6 : 9);
  switch (r) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53, 4294967296, 23, 24]);
    case 3: return rng.pick(['', 'x', 'data', 'FATAL', 'vrrp', '\u0000', 'é'.repeat(3)]);
    case 4: return 'A'.repeat(rng.pick([1000, 100_000, 1_000_000]));
    case 5: return rng.pick(TYPES);
    case 6: return Array.from({ length: rng.int(4) }, () => anyValue(rng, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, anyValue(rng, depth + 1)]));
    default: return `${DEEP}${rng.pick([10, 1000, 100_000])}`; // deep nesting, put in by text (see deepen)
  }
}

/** Every (container, key) of a JSON tree, up to `max`, for picking a place to mutate. */
function places(root: Json, max = 400): [Json[] | Record<string, Json>, string | number][] {
  const out: [Json[] | Record<string, Json>, string | number][] = [];
  const stack: Json[] = [root];
  while (stack.length && out.length < max) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); stack.push(x); });
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) { out.push([v, k]); stack.push(v[k]!); }
  }
  return out;
}

function mutateValue(rng: Rng, msg: Json): Json {
  const root = JSON.parse(JSON.stringify(msg)) as Json;
  if (rng.chance(0.1)) return anyValue(rng);
  const ps = places(root);
  for (let n = rng.range(1, 3); n > 0 && ps.length; n--) {
    const [c, k] = rng.pick(ps);
    const r = rng.next();
    if (r < 0.3) { if (Array.isArray(c)) c.splice(k as number, 1); else delete (c as Record<string, Json>)[k]; }
    else if (r < 0.85) (c as Record<string, Json>)[k] = anyValue(rng);
    else (c as Record<string, Json>)[`extra${rng.int(9)}`] = anyValue(rng);
  }
  if (rng.chance(0.1) && root && typeof root === 'object' && !Array.isArray(root)) root.type = rng.pick(TYPES);
  return root;
}

function load(): { toChild: boolean; value: Json; line: string }[] {
  const f = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { messages: { dir: string; json: string }[] };
  return f.messages.map((m) => ({ toChild: m.dir === 'parent->child', value: JSON.parse(m.json) as Json, line: m.json }));
}

/** The fields a handler reads, checked on an accepted message (what the decoder promises). */
function childSideProblem(m: ParentToChild): string | undefined {
  if (m.type === 'init') {
    const cfg = shareStrings(m.config);
    if (typeof m.options.dumpPaths.data !== 'string' || typeof cfg.global !== 'object' || !Array.isArray(cfg.vrrpInstances)) return '!init-fields';
  } else if (m.type === 'reload') {
    const cfg = shareStrings(m.config);
    if (typeof cfg.global !== 'object' || cfg.global === null) return '!reload-fields';
  } else if (m.type === 'dump' && !['data', 'stats', 'stats_clear', 'json'].includes(m.kind)) return '!dump-kind';
  return undefined;
}

function parentSideProblem(m: ChildToParent): string | undefined {
  if (m.type === 'stopped' && !Number.isFinite(m.usage.user + m.usage.system)) return '!stopped-usage';
  if (m.type === 'permanent-error' && m.kind !== 'FATAL' && m.kind !== 'CONFIG') return '!permanent-kind';
  return undefined;
}

export function ipcTarget(): FuzzTarget<IpcInput> {
  const samples = load();
  return {
    name: 'ipc',
    generate(rng: Rng): IpcInput {
      const s = rng.pick(samples);
      const r = rng.next();
      if (r < 0.05) return { toChild: s.toChild, line: s.line };
      if (r < 0.75) return { toChild: s.toChild, line: deepen(JSON.stringify(mutateValue(rng, s.value))) };
      // the channel's bytes mutated (length lies and huge values land in the JSON text)
      const donors = samples.slice(0, 8).map((x) => Buffer.from(x.line));
      return { toChild: s.toChild, line: mutate(rng, Buffer.from(s.line), { donors, max: 3 })[0].toString('latin1') };
    },
    run(input) {
      let value: unknown;
      try { value = JSON.parse(input.line); } catch { return 'not JSON (Node\'s channel throws before our code)'; }
      const before = malformedInput.total();
      const side = input.toChild ? 'child' : 'parent';
      if (input.toChild) {
        const d = decodeParentToChild(value);
        if (!d.ok) { malformedInput.note('ipc', d.reason); return `${side} dropped:${d.reason}`; }
        const bad = childSideProblem(d.msg);
        if (bad) return bad;
        if (malformedInput.total() !== before) return '!noted-but-accepted';
        return `${side} accepted ${d.msg.type}`;
      }
      const d = decodeChildToParent(value);
      if (!d.ok) { malformedInput.note('ipc', d.reason); return `${side} dropped:${d.reason}`; }
      return parentSideProblem(d.msg) ?? `${side} accepted ${d.msg.type}`;
    },
    show: (input) => `${input.toChild ? 'to child' : 'to parent'}: ${input.line.slice(0, 1500)}`,
  };
}
