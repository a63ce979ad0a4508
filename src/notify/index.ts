// Public API of the notify subsystem (scripts, FIFOs, SMTP alerts): see notifier.ts.
export { createNotifier, smtpSettings, type Notifier, type NotifierOptions } from './notifier.js';
export type { VrrpEvent, VrrpNotifyState, CheckerEvent } from './events.js';
export {
  checkScriptSecurity, checkAllScripts, notifyScripts,
  type ScriptSecurityResult, type ScriptSecurityStatus, type SecurityReport,
} from '../host/script-security.js';
export { NotifyPlanner, type NotifyAction } from './plan.js';
export * from './format.js';
