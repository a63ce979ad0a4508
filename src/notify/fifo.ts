// FIFO adapter for notify_fifo / vrrp_notify_fifo / lvs_notify_fifo: creates the FIFO if missing
// (mode 0600, chown to the configured user/group), opens it O_RDWR|O_NONBLOCK so the daemon never
// blocks whether or not a reader is attached (a full pipe drops the line and says so once), starts
// the *_fifo_script (as its user, through src/host/spawn-as.ts) with the FIFO path as its last
// argument, and on close stops that script's process group and
// removes a FIFO it created.
import { spawnSync } from 'node:child_process';
import { chownSync, closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Logger } from '../common/log.js';
import type { FifoSpec } from '../config/model.js';
import { isSpawnError, spawnAs, type Spawned } from '../host/spawn-as.js';

export interface FifoWriterOptions {
  logger: Logger;
  /** Resolve the owner of a created FIFO (user/group names -> ids). */
  ids?: (user?: string, group?: string) => { uid: number; gid: number } | undefined;
  /** uid/gid the fifo script runs as (none: its user could not be resolved, it is not run). */
  scriptIds?: { uid: number; gid: number };
  /** The file to execute when the script-security check resolved a bare name through PATH. */
  scriptFile?: string;
  /** Skip starting the fifo script (it was refused by script security). */
  scriptDisabled?: boolean;
}

export class FifoWriter {
  private fd: number | undefined;
  private created = false;
  private child: Spawned | undefined;
  private dropping = false;

  constructor(readonly label: string, readonly spec: FifoSpec, private readonly opts: FifoWriterOptions) {}

  get isOpen(): boolean { return this.fd !== undefined; }

  /** Create/open the FIFO and start its script. Returns false (logged) when it cannot be used. */
  open(): boolean {
    const { path } = this.spec;
    const log = this.opts.logger;
    try {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (!st) {
        // mode 0666 less the daemon's umask, as 2.2.7's mkfifo
        // (0600 with the default 0177; 0644 with -u 0022, measured)
        const r = spawnSync('mkfifo', [path], { encoding: 'utf8' });
        if (r.status !== 0) {
          log.error(`Unable to create ${this.label} fifo ${path} - ${(r.stderr || r.error?.message || '').trim()}`);
          return false;
        }
        this.created = true;
        const owner = this.opts.ids?.(this.spec.user, this.spec.group);
        if (owner && (this.spec.user || this.spec.group)) chownSync(path, owner.uid, owner.gid);
      } else if (!st.isFIFO()) {
        log.error(`${this.label} fifo ${path} exists and is not a fifo`);
        return false;
      }
      this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (e) {
      log.error(`Unable to open ${this.label} fifo ${path} - ${(e as Error).message}`);
      return false;
    }
    const s = this.spec.script;
    const ids = this.opts.scriptIds;
    if (s && s.argv.length > 0 && ids && !this.opts.scriptDisabled) {
      const child = spawnAs([this.opts.scriptFile ?? s.argv[0]!, ...s.argv.slice(1), path], ids);
      if (isSpawnError(child)) {
        log.error(`Unable to run ${this.label} fifo script ${s.argv[0]} - ${child.message}`);
      } else {
        this.child = child;
        void child.exited.then((st) => {
          if (this.child === child) log.info(`${this.label} fifo script ${s.argv[0]} exited with ${st.signal ? `signal ${st.signal}` : `status ${st.code}`}`);
          if (this.child === child) this.child = undefined;
        });
      }
    }
    return true;
  }

  /** Write one line (exact bytes). Never blocks: a full pipe drops the line. */
  write(data: string | Uint8Array): boolean {
    if (this.fd === undefined) return false;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      const n = writeSync(this.fd, buf);
      if (n !== buf.length) throw Object.assign(new Error('short write'), { code: 'EAGAIN' });
      if (this.dropping) { this.dropping = false; this.opts.logger.info(`${this.label} fifo ${this.spec.path} writable again`); }
      return true;
    } catch (e) {
      if (!this.dropping) {
        this.dropping = true;
        this.opts.logger.warn(`${this.label} fifo ${this.spec.path} write failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) - dropping notifications until the reader catches up`);
      }
      return false;
    }
  }

  close(): void {
    const c = this.child;
    this.child = undefined;
    c?.signalGroup('SIGTERM');
    if (this.fd !== undefined) { try { closeSync(this.fd); } catch { /* ignore */ } this.fd = undefined; }
    if (this.created) { try { unlinkSync(this.spec.path); } catch { /* ignore */ } this.created = false; }
  }
}
