// The checker comparison's plan (test/vm/checkers.test.ts, run by checkers-guest.ts in the guest):
// the real servers, the steps (which real servers stop or start) and the IPVS table expected after
// each step, as sorted `ipvsadm -Sn` lines. Shared by the host test and the guest program.

export type Impl = 'ours' | 'keepalived';
export const IMPLS: Impl[] = ['ours', 'keepalived'];

/** Real servers (busybox httpd in the namespace chk-rs): id -> address:port. */
export const SERVERS = {
  rs21: '10.78.0.21:80', rs22: '10.78.0.22:80', rs23: '10.78.0.23:8080', rs24: '10.78.0.24:8080', sorry: '10.78.0.30:8080',
} as const;
export type ServerId = keyof typeof SERVERS;

export interface Step {
  name: string;
  stop: ServerId[];
  start: ServerId[];
  /** SIGTERM to both daemons (the last step). */
  stopDaemons?: boolean;
  /** `ipvsadm -Sn` lines, sorted, that both tables must equal once the step has settled. */
  expect: string[];
}

const VS1 = '-A -t 10.78.0.100:80 -s wrr';
const VS2 = '-A -t 10.78.0.101:8080 -s rr';
const rs = (vs: string, r: string, w: number) => `-a -t ${vs} -r ${r} -m -w ${w}`;
const ALL_UP = [
  VS1, rs('10.78.0.100:80', SERVERS.rs21, 3), rs('10.78.0.100:80', SERVERS.rs22, 2),
  VS2, rs('10.78.0.101:8080', SERVERS.rs23, 1), rs('10.78.0.101:8080', SERVERS.rs24, 1),
];

export const STEPS: Step[] = ([
  { name: 'all real servers up', stop: [], start: [], expect: ALL_UP },
  {
    // HTTP_GET server gone from VS1; the inhibit_on_failure server at weight 0 leaves VS2 with
    // W = 1 < quorum 2: sorry server in, the remaining real server out.
    name: 'rs21 (HTTP_GET) and rs23 (TCP_CHECK, inhibit_on_failure) stopped', stop: ['rs21', 'rs23'], start: [],
    expect: [VS1, rs('10.78.0.100:80', SERVERS.rs22, 2), VS2, rs('10.78.0.101:8080', SERVERS.rs23, 0), rs('10.78.0.101:8080', SERVERS.sorry, 1)],
  },
  { name: 'rs21 and rs23 started again', stop: [], start: ['rs21', 'rs23'], expect: ALL_UP },
  {
    // W = 1 < 2: sorry server in; rs23, alive but inhibit_on_failure, is "removed" by weight 0
    name: 'rs24 (MISC_CHECK) stopped: VS2 loses quorum', stop: ['rs24'], start: [],
    expect: [...ALL_UP.slice(0, 3), VS2, rs('10.78.0.101:8080', SERVERS.rs23, 0), rs('10.78.0.101:8080', SERVERS.sorry, 1)],
  },
  { name: 'rs24 started again: VS2 regains quorum', stop: [], start: ['rs24'], expect: ALL_UP },
  { name: 'SIGTERM to both daemons', stop: [], start: [], stopDaemons: true, expect: [] },
] as Step[]).map((s) => ({ ...s, expect: [...s.expect].sort() }));

export interface Table { save: string; ln: string }
export interface StepOut {
  name: string;
  t0: number;
  /** ms after the step's action until each daemon's table first equalled `expect` (null: never); step 0:
   *  ours from its start; keepalived from its start, which waits for ours to be up. */
  matchedMs: Record<Impl, number | null>;
  /** ms until both tables were equal to `expect` and had stayed so for the stability window. */
  settledMs: number | null;
  tables: Record<Impl, Table>;
  /** Log lines (date prefix removed) printed during the step. */
  logs: Record<Impl, string[]>;
  exits?: Record<Impl, number | null>;
}
export interface CheckersInput {
  conf: string; repo: string; startTimeoutMs: number; stepTimeoutMs: number; stableMs: number;
  /** A different config for our daemon only (to show that the test fails when the two differ). */
  oursConf?: string;
}
export interface CheckersOut { errors: string[]; timings: Record<string, number>; steps: StepOut[];
  logs: Record<Impl, string[]> }

/** keepalived's console log prefix (`Mon Nov 23 15:22:14 2026: `), removed before comparing. */
export function stripDate(l: string): string {
  return l.replace(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');
}

/** `ipvsadm -Ln` with the destination rows of each service sorted (the kernel lists them newest first). */
export function normaliseLn(ln: string): string {
  const out: string[] = [];
  let dests: string[] = [];
  const flush = () => { out.push(...dests.sort()); dests = []; };
  for (const l of ln.split('\n')) {
    if (/^\s+->/.test(l) && !/RemoteAddress/.test(l)) dests.push(l.replace(/\s+/g, ' ').trim());
    else { flush(); if (l.trim()) out.push(l.replace(/\s+/g, ' ').trim()); }
  }
  flush();
  return out.join('\n');
}
