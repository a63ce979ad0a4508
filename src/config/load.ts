// keepalived.conf as read on this machine: the parser (src/parser, pure) given the real host facts
// (src/host/system.ts, a fresh snapshot per call unless the caller passes its own `host`). The
// daemon, -t, the benches and the tests that work on real files use these; parser unit tests
// that want a controlled machine call src/parser/index.ts with a fake host.
import {
  configCopy as parserConfigCopy, parseConfigFile as parserParseFile, parseConfigText as parserParseText,
  runConfigTest as parserRunConfigTest, type ParseOptions, type ParseResult,
} from '../parser/index.js';
import type { ConfigTestOptions, ConfigTestResult } from '../parser/configtest.js';
import { systemHost } from '../host/system.js';

/** ParseOptions whose host defaults to this machine's. */
export type OnThisHost<O extends ParseOptions = ParseOptions> = Omit<O, 'host'> & { host?: ParseOptions['host'] };

function withHost<O extends ParseOptions>(opts: OnThisHost<O>): O {
  return { ...opts, host: opts.host ?? systemHost() } as O;
}

export function parseConfigFile(path: string, opts: OnThisHost = {}): ParseResult {
  return parserParseFile(path, withHost(opts));
}

export function parseConfigText(text: string, fileName: string, opts: OnThisHost = {}): ParseResult {
  return parserParseText(text, fileName, withHost(opts));
}

/** keepalived 2.2.7's consolidated copy of the file and its includes (config_save_dir). */
export function configCopy(path: string, opts: OnThisHost = {}): Buffer {
  return parserConfigCopy(path, withHost(opts));
}

/** keepalived -t on this machine (interfaces checked against /sys/class/net). */
export function runConfigTest(path: string, opts: OnThisHost<ConfigTestOptions> = {}): ConfigTestResult {
  return parserRunConfigTest(path, withHost(opts));
}
