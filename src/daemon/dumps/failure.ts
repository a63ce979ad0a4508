// What is logged when a dump file cannot be written, as keepalived 2.2.7 logs it (measured with
// /tmp read-only: test/integration/chaos/chaos-res-dump.test.ts). 2.2.7 creates the file through
// fopen_safe (a temporary file renamed into place), whose failure line names the file, followed by
// the dumper's own line: open_dump_file's names the bare file ("keepalived.data"), the stats and
// JSON dumpers name the path. A write that fails (the file system full) 2.2.7 does not notice: it
// leaves an empty file and logs nothing; ours keeps the old file and logs a line of its own.
/** A failed dump: creating the file (open) or writing it (write), with the errno and its strerror text. */
export interface DumpFailure { step: 'open' | 'write'; errno: number; text: string }

/**
 * The lines for a dump of `path` that failed. `dataName`: for a data dump, the name 2.2.7's
 * open_dump_file logs (keepalived.data, keepalived_check.data, keepalived_parent.data, without the
 * data_use_instance tag the path may have); without it, the stats / JSON form naming the path.
 */
export function dumpFailureLines(path: string, f: DumpFailure, dataName?: string): string[] {
  const why = `(${f.errno}: ${f.text})`;
  if (f.step === 'write') return [`Can't write dump file ${path} ${why} - file left as it was`];
  return [`Unable to open '${path}' - errno ${f.errno} (${f.text})`, dataName !== undefined ? `Can't open dump file ${dataName} ${why}` : `Can't open ${path} ${why}`];
}
