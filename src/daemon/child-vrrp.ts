// Entry point of the VRRP child process (Keepalived_vrrp), forked by the parent.
import { runChild } from './child-runtime.js';
import { adoptInheritedConnector } from '../vrrp/process-track/connector-port.js';

// net_namespace: the process-event socket the parent opened before it switched namespace
adoptInheritedConnector();
void runChild('vrrp');
