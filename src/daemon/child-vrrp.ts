// Entry point of the VRRP child process (Keepalived_vrrp), forked by the parent.
import { runChild } from './child-runtime.js';
import { adoptIdentity } from './process/adopt.js';
import { adoptInheritedConnector } from '../vrrp/process-track/connector-port.js';

// the parent's name and command line, as a forked keepalived child has them
adoptIdentity(process.argv.slice(2));
// net_namespace: the process-event socket the parent opened before it switched namespace
adoptInheritedConnector();
void runChild('vrrp');
