// A child takes the identity the parent handed it in its arguments (see identity.ts childArgs):
// the parent's process name and command line, as a forked keepalived child inherits them.
import { identityFromArgv, setCommandLine, setProcessName } from './identity.js';
import { realProcessSys } from './sys.js';

export function adoptIdentity(args: readonly string[]): void {
  const id = identityFromArgv(args);
  if (!id) return;
  const sys = realProcessSys();
  setCommandLine(sys, id.cmdline);
  setProcessName(sys, id.comm);
}
