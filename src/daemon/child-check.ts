// Entry point of the health-checker child process (Keepalived_healthcheckers), forked by the parent.
import { runChild } from './child-runtime.js';
import { adoptIdentity } from './process/adopt.js';

// the parent's name and command line, as a forked keepalived child has them
adoptIdentity(process.argv.slice(2));
void runChild('checker');
