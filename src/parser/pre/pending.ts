// Lines waiting to be read before the next line of a file, in the order keepalived 2.2.7's
// read_line() tries them: the residue of a line split at a brace, then the innermost ~SEQ/~LST
// generator (its text once per value, with the variable set as a definition), then the remaining
// lines of a multi-line definition being expanded (next_ptr, with the stack of expansions it
// interrupted). When none has a line, the file stack gives the next one.
import type { Definitions } from './defs.js';
import { type LineBuf, clone } from './linebuf.js';
import type { SeqGen } from './seq.js';

export const MAX_SEQ_DEPTH = 100;

interface MlEnt { ptr: string; seqDepth: number }

export class PendingLines {
  /** The rest of the last line after its first brace. */
  residue: LineBuf | null = null;
  /** Active generators, innermost last. */
  readonly seqs: SeqGen[] = [];
  /** The rest of a multi-line definition being expanded, and where its lines are reported. */
  nextPtr: { text: string; pos: LineBuf } | null = null;
  /** Generators started before the multi-line expansion in progress (they wait for it). */
  private multilineSeqDepth = 0;
  private readonly mlStack: MlEnt[] = [];

  constructor(private readonly defs: Definitions) {}

  /** Nothing is pending: the next line comes from the file. */
  get idle(): boolean { return this.residue === null && this.seqs.length === 0 && this.nextPtr === null; }

  /** A multi-line definition starts expanding; `prev` is the expansion it interrupts (defs.ts MultilineCtl). */
  beginMultiline(prev: string | null): void {
    if (prev !== null) this.mlStack.push({ ptr: prev, seqDepth: this.multilineSeqDepth });
    this.multilineSeqDepth = this.seqs.length;
  }

  /** The next pending line, or null when the file must give it. */
  next(): LineBuf | null {
    if (this.residue) {
      const buf = this.residue;
      this.residue = null;
      return buf;
    }
    if (this.seqs.length > 0 && this.seqs.length > this.multilineSeqDepth) {
      const seq = this.seqs[this.seqs.length - 1]!;
      if (seq.kind === 'seq') {
        this.defs.set(seq.name, seq.hex ? seq.next.toString(16) : String(seq.next));
        const buf = clone(seq.text);
        seq.next += seq.step;
        if ((seq.step > 0 && seq.next > seq.last) || (seq.step < 0 && seq.next < seq.last)) this.seqs.pop();
        return buf;
      }
      const vals = seq.values[seq.idx]!;
      seq.params.forEach((p, i) => this.defs.set(p, vals[i] ?? ''));
      const buf = clone(seq.text);
      if (++seq.idx >= seq.values.length) this.seqs.pop();
      return buf;
    }
    if (this.nextPtr) {
      const np = this.nextPtr;
      const nl = np.text.indexOf('\n');
      const buf = { ...np.pos, text: nl < 0 ? np.text : np.text.slice(0, nl), src: undefined, off: undefined };
      if (nl < 0) {
        const popped = this.mlStack.pop();
        if (popped) { this.nextPtr = { text: popped.ptr, pos: np.pos }; this.multilineSeqDepth = popped.seqDepth; }
        else { this.nextPtr = null; this.multilineSeqDepth = 0; }
      } else {
        this.nextPtr = { text: np.text.slice(nl + 1), pos: np.pos };
      }
      return buf;
    }
    return null;
  }
}
