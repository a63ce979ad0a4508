// Entry point of the health-checker child process (Keepalived_healthcheckers), forked by the parent.
import { runChild } from './child-runtime.js';

void runChild('checker');
