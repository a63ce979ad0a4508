// The recorded keepalived 2.2.7 route / rule line cases (data/routes-cases-2.2.7.json, made by
// test/integration/vrrp/routes/record-cases.ts) and the config each case line is read in.
import { readFileSync } from 'node:fs';

export type CaseBlock = 'static_routes' | 'virtual_routes' | 'static_rules' | 'virtual_rules';

/** One line; exitCode / messages from `keepalived -t`, dump = the line in keepalived's config dump (null: dropped). */
export interface RouteCase { block: CaseBlock; line: string; exitCode?: number;
  messages?: string[]; dump?: string | null }

export const CASES_FILE = new URL('./data/routes-cases-2.2.7.json', import.meta.url).pathname;

export function loadCases(): { source: string; cases: RouteCase[] } {
  return JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { source: string; cases: RouteCase[] };
}

/** The config around one case line (line 2 for static blocks, line 14 inside the instance). */
export function caseConfig(c: RouteCase): string {
  const inst = (inner: string) => [
    'track_group tg {', ' group {', '  VI_1', ' }', '}',
    'vrrp_instance VI_1 {', ' interface eth0', ' virtual_router_id 51', ' priority 100', ' virtual_ipaddress {', '  10.0.0.100/24', ' }', inner, '}'].join('\n');
  if (c.block.startsWith('static')) return `${c.block} {\n ${c.line}\n}\n${inst('')}\n`;
  return `${inst(` ${c.block} {\n  ${c.line}\n }`)}\n`;
}
