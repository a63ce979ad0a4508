// Words the migrate tool writes must read back unchanged through our parser (which follows keepalived
// 2.2.7's reading, test/unit/parser/config-word.test.ts checks that against the binary), or be
// reported as a migration error instead of being written with another meaning.
import assert from 'node:assert/strict';
import { emitDraft } from '../../../src/migrate/emit.js';
import { emptyDraft, type Draft, type MigrationError } from '../../../src/migrate/draft.js';
import { parseConfigText } from '../../../src/config/load.js';
import { splitQuotedEscaped } from '../../../src/parser/script-split.js';
import { TRICKY_WORDS } from '../parser/config-words.js';

function draftWith(w: string): Draft {
  const d = emptyDraft();
  d.routerId = w;
  d.notificationEmail = [w];
  d.notificationEmailFrom = w;
  d.smtpServer = '127.0.0.1';
  d.vrrps.push({
    name: 'VI_1', interface: 'eth0', virtualRouterId: 51, advertInt: 1, nodes: [], nopreempt: false, authPass: w,
    notifyMaster: `/bin/echo ${w}`, unicastPeers: [], vips: [{ address: '10.0.0.1', prefixLen: 24, label: w }], trackInterfaces: [], trackPing: false,
  });
  d.virtualServers.push({
    address: '10.0.0.1', port: 80, protocol: 'TCP', lbAlgo: 'rr', lbKind: 'DR', inhibitOnFailure: false,
    realServers: [{ address: '10.0.0.2', port: 80, weight: 1, check: { type: 'HTTP_GET', urlPath: w, virtualhost: w, regex: `^a\\d+ ${w}` } }],
  });
  return d;
}

describe('migrate: emitted words read back unchanged or are reported', () => {
  // an empty value is never written (the emitter skips empty optional fields)
  for (const w of TRICKY_WORDS.filter((x) => x !== '')) {
    it(`word ${JSON.stringify(w)}`, () => {
      const errors: MigrationError[] = [];
      const text = emitDraft(draftWith(w), ['test'], errors);
      const r = parseConfigText(text, '/nonexistent/keepalived.conf', { interfaces: new Set(['eth0']), skipScriptSecurity: true });
      const cfg = r.config!;
      const rs = cfg.virtualServers[0]?.realServers[0];
      const url = rs?.checkers[0]?.type === 'HTTP_GET' ? rs.checkers[0] : undefined;
      const vi = cfg.vrrpInstances[0]!;
      const got: Record<string, unknown> = {
        router_id: cfg.global.routerId, notification_email: cfg.global.notificationEmail[0],
        notification_email_from: cfg.global.notificationEmailFrom, auth_pass: vi.authentication?.pass,
        label: vi.virtualIpaddress[0]?.label, path: url?.urls[0]?.path, virtualhost: url?.virtualhost,
      };
      const reported = (field: string): boolean =>
        errors.some((e) => e.message.includes(field) && e.message.includes(JSON.stringify(w)));
      for (const [field, value] of Object.entries(got)) {
        // keepalived keeps the first 8 bytes of auth_pass
        const want = field === 'auth_pass' ? w.slice(0, 8) : w;
        if (reported(field)) assert.notEqual(value, w, `${field}: reported as not writable, yet it was written:\n${text}`);
        else assert.equal(value, want, `${field} reads back as ${JSON.stringify(value)}\n${text}\n${errors.map((e) => e.message).join('\n')}`);
      }
      // regex is read with quotes and escapes (as keepalived's regex_handler does); its url is gone
      // only when the path was reported
      if (!reported('path')) assert.equal(url?.urls[0]?.regex, `^a\\d+ ${w}`, text);
      // a script string reaches keepalived's second split (the command's own words) unchanged
      const argv = splitQuotedEscaped(`/bin/echo ${w}`);
      if (Array.isArray(argv)) assert.deepEqual(vi.notifyMaster?.argv, argv, text);
    });
  }
});
