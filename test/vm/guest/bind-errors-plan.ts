// The bind-error comparison's shared plan (test/vm/bind-errors.test.ts on the host, run by
// bind-errors-guest.ts in the guest): addresses, the keepalived.conf both daemons run, the phases
// and the shape of the guest's output.
export type Impl = 'ours' | 'keepalived';
export const IMPLS: Impl[] = ['ours', 'keepalived'];
export const LB = '10.81.0.1', BINDTO = '10.81.0.11', RS = '10.81.0.2', HELD_PORT = 40100, DELAY_LOOP_S = 2;
export const PHASES = ['bindto absent', 'bindto added', 'bindto removed'] as const;

export interface BindInput { repo: string; cert: string; key: string; phaseMs: number; startTimeoutMs: number }
export interface BindOut {
  errors: string[];
  timings: Record<string, number>;
  /** Per implementation: every line, [ms since the daemon started, text without keepalived's date]. */
  logs: Record<Impl, [number, string][]>;
  /** Per phase: when it began (ms since the daemons started) and each IPVS table at its end. */
  phases: { name: string; at: number; tables: Record<Impl, string> }[];
  exits: Record<Impl, number | null>;
}

const checker = (body: string) => `${body}\n      connect_timeout 2\n      retry 1\n      delay_before_retry 1`;
export const BIND_CONF = `
global_defs {
  router_id kbe_vm
}
virtual_server 10.81.0.100 80 {
  delay_loop ${DELAY_LOOP_S}
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${RS} 80 {
    HTTP_GET {
      url {
        path /
      }
${checker(`      bindto ${BINDTO}`)}
    }
  }
  real_server ${RS} 443 {
    SSL_GET {
      url {
        path /
      }
${checker(`      bindto ${BINDTO}`)}
    }
  }
  real_server ${RS} 25 {
    SMTP_CHECK {
${checker(`      bindto ${BINDTO}`)}
    }
  }
  real_server ${RS} 8080 {
    TCP_CHECK {
      connect_port 80
${checker(`      bindto ${BINDTO}`)}
    }
  }
  real_server ${RS} 8081 {
    HTTP_GET {
      url {
        path /
      }
      connect_port 80
${checker(`      bindto ${LB}\n      bind_port ${HELD_PORT}`)}
    }
  }
}
virtual_server 10.81.0.100 53 {
  delay_loop ${DELAY_LOOP_S}
  lb_algo rr
  lb_kind NAT
  protocol UDP
  real_server ${RS} 53 {
    DNS_CHECK {
      type A
      name www.kbe.test
${checker(`      bindto ${BINDTO}`)}
    }
  }
  real_server ${RS} 7 {
    UDP_CHECK {
      payload 68656c6c6f
      require_reply 68656c6c6f
      bindto ${BINDTO}
      connect_timeout 2
      retry 0
    }
  }
}
`;

/** keepalived's console log prefix (`Mon Nov 23 15:22:14 2026: `). */
export function stripDate(l: string): string {
  return l.replace(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');
}
