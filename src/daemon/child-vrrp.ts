// Entry point of the VRRP child process (Keepalived_vrrp), forked by the parent.
import { runChild } from './child-runtime.js';

void runChild('vrrp');
