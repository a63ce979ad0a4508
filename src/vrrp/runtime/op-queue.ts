// The per-instance queue of VIP and GARP steps. A step runs at once (inside the call, so a takeover's
// VIP add requests and GARPs leave in the same tick as its advert) when nothing is pending, else
// after the steps before it. VIP add ACKs are collected apart: the queue does not wait for them, a
// later removal does. A failing step is logged and never breaks the queue.
export class OpQueue {
  /** The last step queued (resolves when every step so far is done). */
  private tail: Promise<void> = Promise.resolve();
  /** Steps not finished yet; at 0 a new step runs synchronously. */
  private queued = 0;
  /** ACKs of VIP add requests still outstanding. */
  private acks: Promise<void> = Promise.resolve();

  constructor(private readonly fail: (e: unknown) => void) {}

  run(step: () => void | Promise<void>): void {
    const done = (): void => { this.queued--; };
    if (this.queued === 0) {
      let r: void | Promise<void>;
      try { r = step(); } catch (e) { this.fail(e); return; }
      if (!r) return;
      this.queued++;
      this.tail = r.catch(this.fail).finally(done);
      return;
    }
    this.queued++;
    this.tail = this.tail.then(step).catch(this.fail).finally(done);
  }

  /** Adds outstanding ACKs (not waited for by the queue). */
  addAcks(acks: readonly Promise<void>[]): void { this.acks = Promise.all([this.acks, ...acks]).then(() => undefined); }

  /** Every ACK issued so far. */
  settledAcks(): Promise<void> { return this.acks; }

  /** Every step queued so far, then every ACK. */
  async idle(): Promise<void> { await this.tail; await this.acks; }
}
