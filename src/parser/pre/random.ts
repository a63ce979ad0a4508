// glibc random()/srandom() (TYPE_3 additive feedback generator), so ${_RANDOM} gives the same
// numbers as keepalived for the same seed.

export class GlibcRandom {
  private r: number[] = [];
  private k = 0;

  constructor(seed: number) {
    let s = seed >>> 0;
    if (s === 0) s = 1;
    const r = new Array<number>(34);
    r[0] = s | 0;
    for (let i = 1; i < 31; i++) {
      const prev = r[i - 1]!;
      const hi = Math.trunc(prev / 127773);
      const lo = prev % 127773;
      let word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[i] = word | 0;
    }
    for (let i = 31; i < 34; i++) r[i] = r[i - 31]!;
    this.r = r;
    this.k = 34;
    for (let i = 0; i < 310; i++) this.step();
  }

  private step(): number {
    const r = this.r;
    const v = (r[this.k - 31]! + r[this.k - 3]!) | 0;
    r.push(v);
    this.k++;
    if (r.length > 4096) { this.r = r.slice(-64); this.k = this.r.length; }
    return v;
  }

  /** Next value in [0, 2^31). */
  next(): number {
    return this.step() >>> 1;
  }
}
