// Every script kind runs as the user keepalived 2.2.7 gives it (root + /usr/sbin/keepalived;
// skipped otherwise; run `npm run build` first, bin/keepalived runs dist/). Differential: the same
// configuration runs under keepalived 2.2.7 and under ours (bin/keepalived -P), each in a
// namespace of its own whose /etc/passwd and /etc/group are private copies with this run's test
// users added (`ip netns exec` bind-mounts /etc/netns/NS/* over /etc/*), so no user is created on
// the machine and two runs never collide. Each script writes `id -u`, `id -g`, `id -G`, its umask
// and whether it leads its own process group into a file named after its kind; the test asserts
// the identity the configuration gives and that 2.2.7 saw the same, and that both logged the
// script-user and SECURITY VIOLATION lines. The checker side (MISC_CHECK, notify_up/down,
// quorum_up/down) runs ours only: 2.2.7's checker exits at start without IPVS in the kernel
// ("IPVS: Can't initialize ipvs"), which this host lacks; it uses the same code path in 2.2.7
// (lib/notify.c set_script_env), and ours uses the one spawn-as for both sides.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, ownedNs, removeStaleNamespaces, sh, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';

const KA = '/usr/sbin/keepalived';
const OURS = new URL('../../../bin/keepalived', import.meta.url).pathname;
const PREFIX = 'ksu';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// This run's users and groups (private to the test namespaces).
const P = String(process.pid);
const U = { name: `ksu${P}u`, uid: 46001, gid: 46001 };
const V = { name: `ksu${P}v`, uid: 46002, gid: 46002 };
const A = { name: `ksu${P}a`, gid: 46011 };
const B = { name: `ksu${P}b`, gid: 46012 };
const KS = { name: 'keepalived_script', uid: 46020, gid: 46020 };
const PASSWD = [U, V].map((u) => `${u.name}:x:${u.uid}:${u.gid}::/nonexistent:/usr/sbin/nologin`);
// U and V are members of A and B: 2.2.7 does not give a script its user's groups (setgroups(1, &gid)).
const GROUP = [`${U.name}:x:${U.gid}:`, `${V.name}:x:${V.gid}:`, `${A.name}:x:${A.gid}:${U.name},${V.name}`, `${B.name}:x:${B.gid}:${U.name},${V.name}`];

/** `groups`: the kernel's supplementary list (/proc/PID/status Groups:), which `id -G` cannot tell from an empty
 *  one. */
interface Seen { ids: string; umask: string; leader: string; groups: string }

describe('scripts run as their user, as keepalived 2.2.7 runs them', function () {
  this.timeout(60000);
  let dir = '';
  const procs: ChildProcess[] = [];
  const namespaces: string[] = [];

  before(function () {
    if (!isRoot() || !existsSync(KA) || !existsSync(OURS)) this.skip();
    removeStaleNamespaces(PREFIX);
    dir = makeTempDir('ksu', { mode: 0o755 });
    const id = join(dir, 'id.sh');
    writeFileSync(id, [
      '#!/bin/sh',
      '# $1: output dir, $2: script kind; writes what the script runs as',
      'read -r _ _ _ _ pgrp _ < /proc/$$/stat',
      'groups=$(sed -n "s/^Groups:[[:space:]]*//p" /proc/$$/status)',
      'echo "$(id -u) $(id -g) $(id -G)|$(umask)|$([ "$pgrp" = "$$" ] && echo leader || echo member)|$groups" > "$1/$2.$$"',
      '',
    ].join('\n'));
    chmodSync(id, 0o755);
  });
  after(() => {
    for (const p of procs) if (p.exitCode === null && p.pid) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    for (const ns of namespaces) {
      sh('ip', ['netns', 'del', ns], { allowFail: true });
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
    removeTempDir(dir);
  });

  /** A namespace with an up veth (10.99.0.2/24) and private passwd/group files with `extra` users. */
  function makeNs(tag: string, extra: { passwd: string[]; group: string[] }): string {
    const ns = ownedNs(PREFIX, tag);
    namespaces.push(ns);
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    copyFileSync('/etc/passwd', `/etc/netns/${ns}/passwd`);
    copyFileSync('/etc/group', `/etc/netns/${ns}/group`);
    appendFileSync(`/etc/netns/${ns}/passwd`, `${extra.passwd.join('\n')}\n`);
    appendFileSync(`/etc/netns/${ns}/group`, `${extra.group.join('\n')}\n`);
    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    sh('ip', ['-n', ns, 'addr', 'add', '10.99.0.2/24', 'dev', 'd0']);
    for (const l of ['d0', 'd1', 'lo']) sh('ip', ['-n', ns, 'link', 'set', l, 'up']);
    return ns;
  }

  /** What a run waits for before SIGTERM: a file from every script kind in `kinds` (those that run
   *  before stop) and every line in `lines`. */
  interface Ready { kinds: string[]; lines: RegExp[] }

  /** Runs one daemon on `conf` until `ready` (at most `ms`: the test fails then), then SIGTERM; returns
   *  its log and what each script kind saw. */
  async function run(bin: string, tag: string, conf: (out: string, run: string) => string,
      extra: { passwd: string[]; group: string[] }, mode: string[], ms: number, ready: Ready) {
    const run = join(dir, tag);
    const out = join(run, 'o');
    mkdirSync(out, { recursive: true });
    chmodSync(run, 0o755);
    chmodSync(out, 0o1777);
    writeFileSync(join(run, 'k.conf'), conf(out, run));
    const ns = makeNs(tag, extra);
    const p = spawn('ip', ['netns', 'exec', ns, bin, '-n', '-l', '-D', ...mode, '-f', join(run, 'k.conf'),
      '-p', join(run, 'k.pid'), '-r', join(run, 'v.pid'), '-c', join(run, 'c.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    let log = '';
    p.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    const kindsSeen = () => new Set(readdirSync(out).map((f) => f.replace(/\.\d+$/, '')));
    try {
      await waitFor(() => ready.kinds.every((k) => kindsSeen().has(k))
        && ready.lines.every((re) => re.test(log)), ms, 50);
    } catch {
      assert.fail(`${tag}: within ${ms} ms no ${ready.kinds.filter((k) => !kindsSeen().has(k)).join(', ')} script or no `
        + `${ready.lines.filter((re) => !re.test(log)).join(', ')} line; log:\n${log}`);
    }
    p.kill('SIGTERM');
    await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000)]);
    const seen = new Map<string, Seen[]>();
    for (const f of readdirSync(out)) {
      const kind = f.replace(/\.\d+$/, '');
      const [ids, umask, leader, groups] = readFileSync(join(out, f), 'utf8').trim().split('|') as [string, string, string, string];
      seen.set(kind, [...(seen.get(kind) ?? []), { ids, umask, leader, groups: groups.trim() }]);
    }
    return { log, seen };
  }

  const id = () => join(dir, 'id.sh');
  const vrrpConf = (globalExtra: string, scripts: { vscript?: string; master?: string; fifo?: string;
    vfifo?: string; stop?: string }) =>
    (out: string, run: string) => `
global_defs {
  router_id ksu
${globalExtra}
  notify_fifo ${run}/n.fifo
  notify_fifo_script "${id()} ${out} fifo"${scripts.fifo ?? ''}
  vrrp_notify_fifo ${run}/v.fifo
  vrrp_notify_fifo_script "${id()} ${out} vfifo"${scripts.vfifo ?? ''}
}
vrrp_script chk {
  script "${id()} ${out} vscript"
  interval 1
${scripts.vscript ?? ''}
}
vrrp_script chk_default {
  script "${id()} ${out} vscript_default"
  interval 1
}
vrrp_script chk_bad {
  script "${id()} ${out} vscript_bad"
  interval 1
  user nosuchuser${P}
}
vrrp_instance VI {
  state MASTER
  interface d0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.99.0.1/32
  }
  track_script {
    chk
    chk_default
  }
  notify_master "${id()} ${out} master"${scripts.master ?? ''}
  notify_stop "${id()} ${out} stop"${scripts.stop ?? ''}
  notify "${id()} ${out} notify"
}
`;

  /** Every run of a kind saw one identity; returns it. */
  const one = (seen: Map<string, Seen[]>, kind: string): Seen => {
    const all = seen.get(kind);
    assert.ok(all && all.length > 0, `no ${kind} script ran`);
    assert.equal(new Set(all.map((s) => JSON.stringify(s))).size, 1, `${kind}: ${JSON.stringify(all)}`);
    return all[0]!;
  };
  const ids = (uid: number, gid: number) => `${uid} ${gid} ${gid}`;

  // Both daemons reach MASTER one Master_Down_Interval after start (priority 100): 3.6 s, ours plus its
  // node start-up; notify_master and notify run then, the vrrp_scripts (interval 1) from the start.
  // The limits are the fixed waits this test used before it waited for the scripts themselves.
  async function differential(tag: string, conf: ReturnType<typeof vrrpConf>,
      extra: { passwd: string[]; group: string[] }, ready: Ready) {
    const [ka, ours] = await Promise.all([run(KA, `${tag}-ka`, conf, extra, ['-P'], 6000, ready),
      run(OURS, `${tag}-ours`, conf, extra, ['-P'], 7500, ready)]);
    return { ka, ours };
  }

  it('script_user U, own users on vrrp_script (user V A), notify_master (V), fifo scripts (V B / root), an unknown user', async () => {
    const conf = vrrpConf(`  script_user ${U.name}`, {
      vscript: `  user ${V.name} ${A.name}`, master: ` ${V.name}`, fifo: ` ${V.name} ${B.name}`, vfifo: ' root', stop: ' root',
    });
    const { ka, ours } = await differential('own', conf, { passwd: PASSWD, group: GROUP }, {
      kinds: ['vscript', 'vscript_default', 'master', 'notify', 'fifo', 'vfifo'],
      lines: [/Unable to set uid\/gid for script '[^']*id\.sh' '[^']*' 'vscript_bad'/, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./],
    });
    const want: Record<string, string> = {
      vscript: ids(V.uid, A.gid), vscript_default: ids(U.uid, U.gid), master: ids(V.uid, V.gid),
      notify: ids(U.uid, U.gid),
      stop: ids(0, 0), fifo: ids(V.uid, B.gid), vfifo: ids(0, 0),
    };
    for (const [name, r] of [['2.2.7', ka], ['ours', ours]] as const) {
      for (const [kind, w] of Object.entries(want)) {
        const s = one(r.seen, kind);
        assert.equal(s.ids, w, `${name} ${kind}`);
        // Supplementary groups: exactly the gid (not the user's groups A and B, not none).
        assert.deepEqual([s.groups, s.umask, s.leader], [w.split(' ')[1], '0177', 'leader'], `${name} ${kind}`);
      }
      assert.equal(r.seen.has('vscript_bad'), false, `${name}: the vrrp_script with an unknown user must not run`);
      assert.match(r.log, /Unable to set uid\/gid for script '[^']*id\.sh' '[^']*' 'vscript_bad'/, name);
      assert.match(r.log, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./, name);
    }
  });

  it('no script_user, keepalived_script exists: every script runs as keepalived_script (with SECURITY VIOLATION)', async () => {
    const extra = { passwd: [...PASSWD, `${KS.name}:x:${KS.uid}:${KS.gid}::/nonexistent:/usr/sbin/nologin`], group: [...GROUP, `${KS.name}:x:${KS.gid}:`, `ksu${P}c:x:46021:${KS.name}`] };
    const { ka, ours } = await differential('ks', vrrpConf('', {}), extra,
      { kinds: ['vscript', 'vscript_default', 'master', 'notify', 'fifo', 'vfifo'], lines: [/SECURITY VIOLATION - scripts are being executed but script_security not enabled\./] });
    for (const [name, r] of [['2.2.7', ka], ['ours', ours]] as const) {
      for (const kind of ['vscript', 'vscript_default', 'master', 'notify', 'stop', 'fifo', 'vfifo']) assert.equal(one(r.seen, kind).ids, ids(KS.uid, KS.gid), `${name} ${kind}`);
      assert.match(r.log, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./, name);
      assert.doesNotMatch(r.log, /Script user 'keepalived_script' does not exist/, name);
    }
  });

  it("no script_user, no keepalived_script: root, supplementary groups [0], \"Script user 'keepalived_script' does not exist\"", async () => {
    const { ka, ours } = await differential('root', vrrpConf('', {}), { passwd: PASSWD, group: GROUP }, {
      kinds: ['vscript', 'master', 'notify', 'fifo', 'vfifo'],
      lines: [/Script user 'keepalived_script' does not exist/, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./],
    });
    for (const [name, r] of [['2.2.7', ka], ['ours', ours]] as const) {
      for (const kind of ['vscript', 'master', 'notify', 'fifo', 'vfifo']) assert.deepEqual([one(r.seen, kind).ids, one(r.seen, kind).groups], [ids(0, 0), '0'], `${name} ${kind}`);
      assert.match(r.log, /Script user 'keepalived_script' does not exist/, name);
      assert.match(r.log, /SECURITY VIOLATION - scripts are being executed but script_security not enabled\./, name);
    }
  });

  it('script_user U:G (not 2.2.7 syntax): no default user, scripts without a user are not run', async () => {
    const conf = vrrpConf(`  script_user ${U.name}:${B.name}`, { master: ` ${V.name}` });
    // ready once notify_master ran: by then the vrrp_scripts (interval 1, from the start) would have run
    const { ka, ours } = await differential('colon', conf, { passwd: PASSWD, group: GROUP },
      { kinds: ['master'], lines: [/Error setting global script uid\/gid/] });
    for (const [name, r] of [['2.2.7', ka], ['ours', ours]] as const) {
      assert.deepEqual([...r.seen.keys()].sort(), ['master'], `${name}: only the script with its own user runs`);
      assert.equal(one(r.seen, 'master').ids, ids(V.uid, V.gid), name);
      assert.match(r.log, new RegExp(`Script user '${U.name}:${B.name}' does not exist`), name);
      assert.match(r.log, /Error setting global script uid\/gid/, name);
    }
  });

  it('checker scripts (ours; 2.2.7 needs IPVS): MISC_CHECK user V A, default-user MISC_CHECK, notify_down, quorum_down', async () => {
    const conf = (out: string) => `
global_defs {
  router_id ksu
  script_user ${U.name}
}
virtual_server 10.99.0.1 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  quorum 2
  quorum_up "${id()} ${out} quorum_up"
  quorum_down "${id()} ${out} quorum_down" ${V.name} ${B.name}
  real_server 10.99.0.2 80 {
    notify_down "${id()} ${out} notify_down" ${V.name}
    MISC_CHECK {
      misc_path "${id()} ${out} misc"
      user ${V.name} ${A.name}
    }
  }
  real_server 10.99.0.3 80 {
    notify_down "${id()} ${out} notify_down_default"
    MISC_CHECK {
      misc_path "/bin/sh -c '${id()} ${out} misc_default; exit 1'"
    }
  }
}
`;
    const r = await run(OURS, 'ck-ours', conf, { passwd: PASSWD, group: GROUP }, ['-C'], 7000, {
      kinds: ['misc', 'misc_default', 'notify_down_default', 'quorum_down'],
      lines: [/SECURITY VIOLATION - check scripts are being executed but script_security not enabled\./],
    });
    const want: Record<string, string> = {
      misc: ids(V.uid, A.gid), misc_default: ids(U.uid, U.gid), notify_down_default: ids(U.uid, U.gid),
      quorum_down: ids(V.uid, B.gid),
    };
    for (const [kind, w] of Object.entries(want)) {
      const s = one(r.seen, kind);
      assert.equal(s.ids, w, kind);
      assert.deepEqual([s.groups, s.umask], [w.split(' ')[1], '0177'], kind);
    }
    assert.match(r.log, /SECURITY VIOLATION - check scripts are being executed but script_security not enabled\./);
  });
});
