// A child's scheduling, as keepalived 2.2.7's lib/process.c keeps it (measured in namespaces:
// test/unit/daemon/data/process-sched-2.2.7.md): after the child has started, a realtime priority
// gives SCHED_RR | SCHED_RESET_ON_FORK (scripts do not inherit it) and RLIMIT_RTTIME soft = half,
// hard = *_rlimit_rttime, with SIGXCPU logged; without one, *_priority sets the nice value and
// *_rlimit_rttime waits for max_auto_priority. *_cpu_affinity pins the CPUs. A reload resets
// everything to the original values first. *_no_swap is refused with a warning: 2.2.7 calls
// mlockall(), but Node's V8 aborts on locked memory (it releases pages with madvise(MADV_DONTNEED),
// which the kernel refuses for locked pages, and treats the refusal as fatal: measured, the VRRP
// child died within seconds of mlockall while compiling code). max_auto_priority: when a timer fires
// more than min_auto_priority_delay late, realtime scheduling starts at priority 1 and goes up by
// one per late timer, up to max_auto_priority.
import type { Logger } from '../../common/log.js';
import type { ProcessSched } from '../../config/model.js';
import { RR_MIN, defaultSched } from '../../parser/keywords/process-defs.js';
import type { ProcessSys } from './sys.js';

export type SchedRole = 'vrrp' | 'checker';

export interface SchedSettings {
  sched: ProcessSched;
  /** max_auto_priority: undefined or 0 = off, -1 = leave as it was. */
  maxAutoPriority?: number;
}

export class ProcessPriorities {
  private curRt = 0;
  private maxRt = 0;
  private curRlimit = 0;
  private defaultRlimit = 0;
  private nice = 0;
  private origNice?: number;
  private noSwapWarned = false;
  private origRlimit?: [number, number];
  private xcpuHooked = false;

  constructor(private readonly sys: ProcessSys, private readonly log: Logger, private readonly role: SchedRole,
    private readonly onXcpu: (listener: () => void) => void) {}

  /** keepalived's set_process_priorities + set_process_cpu_affinity, at the end of a start or reload. */
  apply(s: SchedSettings): void {
    const sc = s.sched;
    if (s.maxAutoPriority !== undefined && s.maxAutoPriority !== -1) this.maxRt = s.maxAutoPriority;
    this.setPriorities(sc.rtPriority, sc.rlimitRttime, sc.nice);
    if (sc.noSwap && !this.noSwapWarned) {
      this.noSwapWarned = true;
      this.log.warn(`${this.role}_no_swap is not applied: Node's V8 cannot run with its memory locked (mlockall)`);
    }
    if (sc.cpus.length) {
      const e = this.sys.setAffinity(sc.cpus);
      if (e !== undefined) this.log.warn(`unable to set cpu affinity to ${this.role} process (${this.sys.strerror(e)})`);
    }
  }

  private setPriorities(rt: number, rlimit: number, nice: number): void {
    if (rt) {
      if (this.sys.setScheduler(rt, true) !== undefined) { this.log.warn('child process: cannot raise priority'); return; }
      this.curRt = rt;
      if (rlimit) {
        this.hookXcpu();
        this.origRlimit ??= this.sys.getRttimeLimit();
        if (this.sys.setRttimeLimit(Math.floor(rlimit / 2), rlimit) !== undefined) this.log.warn('child process cannot set realtime rlimit');
        else this.curRlimit = rlimit;
      }
      return;
    }
    if (nice) {
      this.origNice ??= this.sys.getNice();
      const e = this.sys.setNice(nice);
      if (e !== undefined) this.log.info(`Unable to set process priority to ${nice} - ${this.sys.strerror(e)}`);
      else this.nice = nice;
    }
    this.defaultRlimit = rlimit;
  }

  private hookXcpu(): void {
    if (this.xcpuHooked) return;
    this.xcpuHooked = true;
    const [who, kw] = this.role === 'vrrp' ? ['VRRP', 'vrrp'] : ['Checker', 'checker'];
    this.onXcpu(() => this.log.info(`${who} process has used too much CPU time, ${kw}_rlimit_rttime may need to be increased`));
  }

  /** keepalived's reset_process_priorities: at the start of a reload, and (ours) before exit. */
  reset(): void {
    if (this.curRt) {
      if (this.sys.setScheduler(0, false) !== undefined) this.log.warn('child process: cannot reset realtime scheduling');
      else {
        this.curRt = 0;
        if (this.curRlimit && this.origRlimit) {
          if (this.sys.setRttimeLimit(this.origRlimit[0], this.origRlimit[1]) !== undefined) this.log.warn('child process cannot reset realtime rlimit');
          else this.curRlimit = 0;
        }
      }
    }
    if (this.origNice !== undefined && this.nice !== this.origNice) {
      const e = this.sys.setNice(this.origNice);
      if (e !== undefined) this.log.info(`Unable to reset process priority - ${this.sys.strerror(e)}`);
      else this.nice = this.origNice;
    }
  }

  /** A timer fired `lateUs` after it was due (keepalived's scheduler check). */
  timerLate(lateUs: number, minDelayUs: number): void {
    if (lateUs <= minDelayUs) return;
    const s = Math.floor(lateUs / 1e6);
    const us = Math.round(lateUs - s * 1e6);
    this.log.info(`A thread timer expired ${s}.${String(us).padStart(6, '0')} seconds ago`);
    this.increment();
  }

  /** keepalived's increment_process_priority. */
  private increment(): void {
    if (!this.maxRt) return;
    if (this.curRt) {
      if (this.curRt >= this.maxRt) return;
      this.curRt++;
    } else this.curRt = RR_MIN;
    this.setPriorities(this.curRt, this.curRlimit ? 0 : this.defaultRlimit, 0);
    this.log.info(`Set realtime priority ${this.curRt}`);
  }

  /** For tests and the dump. */
  state(): { rtPriority: number; rlimit: number; nice: number } {
    return { rtPriority: this.curRt, rlimit: this.curRlimit, nice: this.nice };
  }
}

/** The settings of a role from the configuration (defaults when not configured). */
export function schedSettingsFor(g: { vrrpSched?: ProcessSched; checkerSched?: ProcessSched; maxAutoPriority?: number },
    role: SchedRole): SchedSettings {
  return { sched: (role === 'vrrp' ? g.vrrpSched : g.checkerSched) ?? defaultSched(), maxAutoPriority: g.maxAutoPriority };
}
