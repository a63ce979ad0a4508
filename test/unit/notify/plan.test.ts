// Planner: which deliveries an event makes, in keepalived's order (vrrp_notify.c, ipwrapper.c).
import { strict as assert } from 'node:assert';
import { NotifyPlanner, type NotifyAction } from '../../../src/notify/plan.js';
import type { CheckerEvent } from '../../../src/notify/events.js';
import { config, globalDefs, group, instance, realServer, script, virtualServer } from './fixtures.js';

const mailGlobal = { notificationEmail: ['ops@example.test'], smtpServer: { host: '127.0.0.1', port: 25 } };
const fifoGlobal = { notifyFifo: { path: '/run/a' }, vrrpNotifyFifo: { path: '/run/b' }, lvsNotifyFifo: { path: '/run/c' } };

function brief(a: NotifyAction[]): string[] {
  return a.map((x) => (x.kind === 'script' ? `script ${x.argv.join(' ')}${x.stop ? ' (stop)' : ''} @${x.queue}`
    : x.kind === 'fifo' ? `fifo ${x.fifo} ${JSON.stringify(x.data)}` : `mail ${x.subject} | ${x.body}`));
}

describe('notify/plan', () => {
  const full = instance('VI_1', {
    notifyMaster: script('/s/master', 'a b'), notifyBackup: script('/s/backup'), notifyFault: script('/s/fault'),
    notifyStop: script('/s/stop'), notify: script('/s/generic', 'g1', 'g2'), notifyMasterRxLowerPri: script('/s/rxlow'), smtpAlert: true,
  });
  const cfg = config({ global: globalDefs({ ...mailGlobal, ...fifoGlobal }), vrrpInstances: [full] });

  it('MASTER: specific script, generic notify (+4 args), FIFO lines, then the mail', () => {
    const p = new NotifyPlanner(cfg);
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 })), [
      'script /s/master a b @INSTANCE:VI_1',
      'script /s/generic g1 g2 INSTANCE VI_1 MASTER 150 @INSTANCE:VI_1',
      'fifo notify "INSTANCE \\"VI_1\\" MASTER 150\\n"',
      'fifo vrrp "INSTANCE \\"VI_1\\" MASTER 150\\n"',
      'mail [lab_r1] VRRP Instance VI_1 - Entering MASTER state | => VRRP Instance is now owning VRRP VIPs <=',
    ]);
  });

  // measured with 2.2.7 (test/integration/vrrp/notify-protocol.test.ts): the VRRP core reports a deleted
  // instance as DELETED only with notify_deleted (else FAULT); DELETED runs notify_deleted's script
  it('DELETED (notify_deleted): its script, the generic notify with DELETED, the FIFO lines, the "Deleted" mail', () => {
    const del = instance('VI_3', { notify: script('/s/generic'), notifyFault: script('/s/fault'), notifyDeleted: { script: script('/s/deleted') }, smtpAlert: true });
    const p = new NotifyPlanner(config({ global: globalDefs({ ...mailGlobal, ...fifoGlobal }), vrrpInstances: [del] }));
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_3', state: 'DELETED', priority: 150 })), [
      'script /s/deleted @INSTANCE:VI_3',
      'script /s/generic INSTANCE VI_3 DELETED 150 @INSTANCE:VI_3',
      'fifo notify "INSTANCE \\"VI_3\\" DELETED 150\\n"',
      'fifo vrrp "INSTANCE \\"VI_3\\" DELETED 150\\n"',
      'mail [lab_r1] VRRP Instance VI_3 - Deleted | => VRRP Deleted at reload <=',
    ]);
  });

  it('an instance the reload removed is still known for its last notify (retired)', () => {
    const gone = instance('VI_9', { notify: script('/s/generic') });
    const p = new NotifyPlanner(config({ global: globalDefs(fifoGlobal) }),
      { retired: { instances: [gone], groups: [] } });
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_9', state: 'FAULT', priority: 100 })), [
      'script /s/generic INSTANCE VI_9 FAULT 100 @INSTANCE:VI_9',
      'fifo notify "INSTANCE \\"VI_9\\" FAULT 100\\n"',
      'fifo vrrp "INSTANCE \\"VI_9\\" FAULT 100\\n"',
    ]);
  });

  it('fifo delivery (fifo_write_vrrp_states_on_reload) and *_PRIORITY (notify_priority_changes): FIFO lines only', () => {
    const p = new NotifyPlanner(cfg);
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 90, delivery: 'fifo' })), [
      'fifo notify "INSTANCE \\"VI_1\\" BACKUP 90\\n"', 'fifo vrrp "INSTANCE \\"VI_1\\" BACKUP 90\\n"',
    ]);
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP_PRIORITY', priority: 90 })), [
      'fifo notify "INSTANCE \\"VI_1\\" BACKUP_PRIORITY 90\\n"', 'fifo vrrp "INSTANCE \\"VI_1\\" BACKUP_PRIORITY 90\\n"',
    ]);
  });

  it('STOP runs as a shutdown script (short timeout)', () => {
    const p = new NotifyPlanner(cfg);
    const a = brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 150 }));
    assert.equal(a[0], 'script /s/stop (stop) @INSTANCE:VI_1');
    assert.equal(a[1], 'script /s/generic g1 g2 INSTANCE VI_1 STOP 150 (stop) @INSTANCE:VI_1');
  });

  it('MASTER_RX_LOWER_PRI: only its own script and the FIFO line, no generic notify, no mail', () => {
    const p = new NotifyPlanner(cfg);
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER_RX_LOWER_PRI', priority: 150 })), [
      'script /s/rxlow @INSTANCE:VI_1',
      'fifo notify "INSTANCE \\"VI_1\\" MASTER_RX_LOWER_PRI 150\\n"',
      'fifo vrrp "INSTANCE \\"VI_1\\" MASTER_RX_LOWER_PRI 150\\n"',
    ]);
  });

  it('one mail per state change (last_email_state)', () => {
    const p = new NotifyPlanner(cfg);
    const mails = (s: 'MASTER' | 'BACKUP') => p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: s, priority: 1 }).filter((x) => x.kind === 'mail').length;
    assert.deepEqual([mails('BACKUP'), mails('BACKUP'), mails('MASTER'), mails('MASTER'), mails('BACKUP')], [1, 0, 1, 0, 1]);
  });

  it('last_email_state survives a reload (shared map)', () => {
    const shared = new Map<string, string>();
    const mails = (p: NotifyPlanner) => p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 1 }).filter((x) => x.kind === 'mail').length;
    assert.equal(mails(new NotifyPlanner(cfg, { lastMailed: shared })), 1);
    assert.equal(mails(new NotifyPlanner(cfg, { lastMailed: shared })), 0);
  });

  it('no_email_faults suppresses FAULT mails only', () => {
    const p = new NotifyPlanner(config({ global: globalDefs({ ...mailGlobal, noEmailFaults: true }),
      vrrpInstances: [full] }));
    assert.equal(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'FAULT', priority: 1 }).filter((x) => x.kind === 'mail').length, 0);
    assert.equal(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 1 }).filter((x) => x.kind === 'mail').length, 1);
  });

  const alertTable: [string, Partial<ReturnType<typeof globalDefs>>, boolean | undefined, boolean][] = [
    ['instance default is off', {}, undefined, false],
    ['global smtp_alert', { smtpAlert: true }, undefined, true],
    ['smtp_alert_vrrp wins over smtp_alert', { smtpAlert: true, smtpAlertVrrp: false }, undefined, false],
    ['instance smtp_alert wins', { smtpAlertVrrp: false }, true, true],
  ];
  for (const [name, g, inst, want] of alertTable) {
    it(`VRRP smtp_alert resolution: ${name}`, () => {
      const p = new NotifyPlanner(config({ global: globalDefs({ ...mailGlobal, ...g }), vrrpInstances: [instance('V', { smtpAlert: inst })] }));
      assert.equal(p.planVrrp({ kind: 'INSTANCE', name: 'V', state: 'MASTER', priority: 1 }).some((x) => x.kind === 'mail'), want);
    });
  }

  it('no mail without notification_email or smtp_server', () => {
    const p = new NotifyPlanner(config({ global: globalDefs({ smtpAlert: true, smtpServer: { host: 'x', port: 25 } }), vrrpInstances: [full] }));
    assert.equal(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 1 }).some((x) => x.kind === 'mail'), false);
  });

  it('sync group: GROUP args with priority 0, group mail bodies', () => {
    const g = group('G1', ['VI_1'], { notify: script('/s/g'), notifyBackup: script('/s/gb'), smtpAlert: true });
    const p = new NotifyPlanner(config({ global: globalDefs({ ...mailGlobal, vrrpNotifyFifo: { path: '/x' } }), vrrpSyncGroups: [g] }));
    assert.deepEqual(brief(p.planVrrp({ kind: 'GROUP', name: 'G1', state: 'BACKUP', priority: 200 })), [
      'script /s/gb @GROUP:G1',
      'script /s/g GROUP G1 BACKUP 0 @GROUP:G1',
      'fifo vrrp "GROUP \\"G1\\" BACKUP 0\\n"',
      'mail [lab_r1] VRRP Group G1 - Entering BACKUP state | => All VRRP group instances are now in BACKUP state <=',
    ]);
  });

  it('scripts refused by script security are never planned', () => {
    const p = new NotifyPlanner(cfg, { disabled: new Set([full.notifyMaster!]) });
    assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 1 })).filter((s) => s.startsWith('script')),
      ['script /s/generic g1 g2 INSTANCE VI_1 MASTER 1 @INSTANCE:VI_1']);
  });

  it('unknown instance: nothing', () => {
    assert.deepEqual(new NotifyPlanner(cfg).planVrrp({ kind: 'INSTANCE', name: 'nope', state: 'MASTER', priority: 1 }), []);
  });

  it('routerId option overrides router_id in subjects', () => {
    const p = new NotifyPlanner(cfg, { routerId: 'other' });
    const m = p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 1 }).find((x) => x.kind === 'mail');
    assert.equal(m?.kind === 'mail' && m.subject, '[other] VRRP Instance VI_1 - Entering BACKUP state');
  });

  describe('checker events', () => {
    const rs = realServer('10.198.0.21', 80, { notifyUp: script('/s/up'), notifyDown: script('/s/down', 'x y') });
    const vs = virtualServer('10.198.0.100', 80, [rs], { quorumUp: script('/s/qup'), quorumDown: script('/s/qdown') });
    const base = { vs, rs, vsText: '[10.198.0.100]:tcp:80', rsText: '[10.198.0.21]:tcp:80' };
    const mk = (noCheckerEmails = false) => new NotifyPlanner(config({ global: globalDefs({ ...mailGlobal,
      ...fifoGlobal, noCheckerEmails }), virtualServers: [vs] }));

    it('rs-checker: one mail, subject = RS alive state, body from the checker', () => {
      const e: CheckerEvent = { kind: 'rs-checker', up: false, checkerType: 'TCP_CHECK', ...base, rsAlive: false, rsAliveChanged: true, mailBody: '=> TCP CHECK failed on service <=', smtpAlert: true };
      assert.deepEqual(brief(mk().planChecker(e)), ['mail [lab_r1] Realserver [10.198.0.21]:tcp:80 of virtual server [10.198.0.100]:tcp:80 - DOWN | => TCP CHECK failed on service <=']);
    });

    it('no_checker_emails: only when the RS alive state changed', () => {
      const e: CheckerEvent = { kind: 'rs-checker', up: false, checkerType: 'HTTP_GET', ...base, rsAlive: false, rsAliveChanged: false, mailBody: 'b', smtpAlert: true };
      assert.equal(mk(false).planChecker(e).length, 1);
      assert.equal(mk(true).planChecker(e).length, 0);
      assert.equal(mk(true).planChecker({ ...e, rsAliveChanged: true }).length, 1);
      assert.equal(mk(false).planChecker({ ...e, smtpAlert: false }).length, 0);
    });

    it('rs-state: notify_down script, then RS lines on notify_fifo and lvs_notify_fifo only', () => {
      const e: CheckerEvent = { kind: 'rs-state', up: false, ...base, reason: 'check', smtpAlert: true };
      assert.deepEqual(brief(mk().planChecker(e)), [
        'script /s/down x y @VS:[10.198.0.100]:tcp:80',
        'fifo notify "RS [10.198.0.21]:tcp:80 [10.198.0.100]:tcp:80 DOWN\\n"',
        'fifo lvs "RS [10.198.0.21]:tcp:80 [10.198.0.100]:tcp:80 DOWN\\n"',
      ]);
    });

    it('rs-state at shutdown: mail "- DOWN" with its body', () => {
      const e: CheckerEvent = { kind: 'rs-state', up: false, ...base, reason: 'shutdown', mailBody: '=> Shutting down <=', smtpAlert: true };
      assert.equal(brief(mk().planChecker(e)).at(-1), 'mail [lab_r1] Realserver [10.198.0.21]:tcp:80 of virtual server [10.198.0.100]:tcp:80 - DOWN | => Shutting down <=');
    });

    it('vs-quorum: quorum_up script, VS line, mail', () => {
      const e: CheckerEvent = { kind: 'vs-quorum', up: true, init: false, vs, vsText: base.vsText, quorum: 1, hysteresis: 0, threshold: 1, weight: 2, what: 'Gained quorum', mailBody: '=> Gained quorum 1+0=1 <= 2 <=', smtpAlert: true };
      assert.deepEqual(brief(mk().planChecker(e)), [
        'script /s/qup @VS:[10.198.0.100]:tcp:80',
        'fifo notify "VS [10.198.0.100]:tcp:80 UP\\n"',
        'fifo lvs "VS [10.198.0.100]:tcp:80 UP\\n"',
        'mail [lab_r1] Virtualserver [10.198.0.100]:tcp:80 - UP | => Gained quorum 1+0=1 <= 2 <=',
      ]);
    });
  });
});
