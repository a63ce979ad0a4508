// TimerHeap: the checker engine's one-timer schedule. Order by due time then push order, with
// reschedule and cancel, entries pushed from a run waiting for the next timer, and one timer armed.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { TimerHeap } from '../../../src/check/timer-heap.js';
import { FakeTimers } from './fixtures.js';

interface Item { name: string; timerGen: number }
const item = (name: string): Item => ({ name, timerGen: 0 });

function setup(earlyMs = 0, maxPerTurn = Infinity) {
  const clock = new FakeClock(0);
  const timers = new FakeTimers(clock);
  const ran: string[] = [];
  const at: number[] = [];
  let onRun: (i: Item) => void = () => {};
  const run = (i: Item): void => { ran.push(i.name); at.push(clock.now()); onRun(i); };
  const heap = new TimerHeap<Item>(clock, timers, run, earlyMs, maxPerTurn);
  return { clock, timers, ran, at, heap, setOnRun: (f: (i: Item) => void) => { onRun = f; } };
}

describe('check/timer-heap', () => {
  it('runs 2,000 random entries in (due, push order) order, each at its due time', async () => {
    const { heap, timers, ran, at } = setup();
    let seed = 7;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const want: { name: string; due: number; ord: number }[] = [];
    for (let k = 0; k < 2000; k++) {
      const ms = Math.floor(rand() * 50) * 10; // many equal due times
      const it = item(`i${k}`);
      heap.push(it, ms);
      want.push({ name: it.name, due: ms, ord: k });
    }
    await timers.advance(1000);
    want.sort((a, b) => a.due - b.due || a.ord - b.ord);
    assert.deepEqual(ran, want.map((w) => w.name));
    assert.deepEqual(at, want.map((w) => w.due));
    assert.equal(heap.size, 0);
  });

  it('a reschedule replaces the pending entry; a cancel drops it', async () => {
    const { heap, timers, ran, at } = setup();
    const a = item('a'), b = item('b'), c = item('c');
    heap.push(a, 100); heap.push(b, 200); heap.push(c, 300);
    heap.push(a, 250); // moved later
    heap.cancel(b);
    await timers.advance(1000);
    assert.deepEqual(ran, ['a', 'c']);
    assert.deepEqual(at, [250, 300]);
  });

  it('keeps one timer armed, for the earliest entry', async () => {
    const { heap, timers } = setup();
    heap.push(item('late'), 5000);
    heap.push(item('early'), 10);
    heap.push(item('middle'), 300);
    assert.equal(timers.pending(), 1);
    await timers.advance(10);
    assert.equal(timers.pending(), 1);
    await timers.advance(10000);
    assert.equal(timers.pending(), 0);
  });

  it('an entry pushed while entries run (even due now) waits for the next timer', async () => {
    const { heap, timers, ran, at, setOnRun } = setup();
    const a = item('a'), b = item('b');
    let again = true;
    setOnRun((i) => { if (i === a && again) { again = false; heap.push(a, 0); } });
    heap.push(a, 100); heap.push(b, 100);
    await timers.advance(100);
    assert.deepEqual(ran, ['a', 'b', 'a']);
    assert.deepEqual(at, [100, 100, 100]);
  });

  it('earlyMs lets an entry due within that margin run with the current timer', async () => {
    const { heap, timers, ran, at } = setup(1);
    heap.push(item('x'), 100);
    heap.push(item('y'), 101);
    heap.push(item('z'), 102);
    await timers.advance(200);
    assert.deepEqual(ran, ['x', 'y', 'z']);
    assert.deepEqual(at, [100, 100, 102]);
  });

  it('maxPerTurn: a backlog runs in slices, one per timer turn, in order', async () => {
    const { heap, timers, ran } = setup(0, 3);
    for (let k = 0; k < 8; k++) heap.push(item(`b${k}`), 100);
    const sets0 = timers.sets;
    await timers.advance(100);
    assert.deepEqual(ran, ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    assert.equal(timers.sets - sets0, 2); // the two further slices each needed a timer
  });

  it('clear() drops every entry and the timer', async () => {
    const { heap, timers, ran } = setup();
    heap.push(item('a'), 10); heap.push(item('b'), 20);
    heap.clear();
    assert.equal(timers.pending(), 0);
    await timers.advance(100);
    assert.deepEqual(ran, []);
    heap.push(item('c'), 10);
    await timers.advance(100);
    assert.deepEqual(ran, ['c']);
  });
});
