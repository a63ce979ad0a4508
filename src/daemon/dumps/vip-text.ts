// Text of one VIP as keepalived's dumps print it: `10.0.0.1/24 dev eth0 scope global label x set`.
import type { VirtualIp } from '../../config/model.js';

export function vipText(v: VirtualIp, instanceIf: string | undefined, set: boolean): string {
  const parts = [`${v.address}/${v.prefixLen}`];
  const dev = v.dev ?? instanceIf;
  if (dev) parts.push(`dev ${dev}`);
  if (v.brd) parts.push(`brd ${v.brd}`);
  parts.push(`scope ${v.scope ?? (v.family === 'inet6' && v.address.toLowerCase().startsWith('fe80') ? 'link' : 'global')}`);
  if (v.label) parts.push(`label ${v.label}`);
  if (v.peer) parts.push(`peer ${v.peer}`);
  if (set) parts.push('set');
  return parts.join(' ');
}

/** argv as keepalived prints a script: each word single-quoted, space separated. */
export function scriptText(argv: string[]): string {
  return argv.map((a) => `'${a}'`).join(' ');
}
