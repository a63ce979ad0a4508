// Generator of the benchmark configuration: 10,000 virtual_servers x 10 real_servers with
// TCP_CHECK + 1,000 vrrp_instances (about 684k lines / 12 MB at full scale, like the project's
// benchmark file). Used by the preprocessor's performance test and by bench-preprocess.ts.

export function genBenchConfig(nVs = 10000, nRs = 10, nVrrp = 1000): string {
  const out: string[] = [];
  out.push('! Benchmark configuration', 'global_defs {', '  router_id BENCH', '  notification_email {', '    root@localhost', '  }', '}', '');
  for (let i = 0; i < nVrrp; i++) {
    out.push(
      `vrrp_instance VI_${i} {`,
      '  state BACKUP',
      '  interface eth0',
      `  virtual_router_id ${(i % 255) + 1}`,
      '  priority 100',
      '  advert_int 1',
      '  authentication {',
      '    auth_type PASS',
      '    auth_pass 1111',
      '  }',
      '  virtual_ipaddress {',
      `    10.${(i >> 8) & 255}.${i & 255}.1/32 dev eth0`,
      '  }',
      '}',
    );
  }
  for (let v = 0; v < nVs; v++) {
    const vip = `172.${16 + ((v >> 16) & 15)}.${(v >> 8) & 255}.${v & 255}`;
    out.push(`virtual_server ${vip} 80 {`, '  delay_loop 6', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < nRs; r++) {
      out.push(
        `  real_server 192.168.${(v >> 8) & 255}.${((v & 255) + r) & 255} 8080 {`,
        '    weight 1',
        '    TCP_CHECK {',
        '      connect_timeout 3',
        '    }',
        '  }',
      );
    }
    out.push('}', '');
  }
  return out.join('\n') + '\n';
}
