// nginx.conf for the checker tests: one worker in the foreground, pid, logs and temp files under
// `dir` (the test's temp directory), and the given `server { }` blocks; access logging off unless
// `accessLog` gives its lines.
export function nginxConf(dir: string, servers: string[], accessLog = 'access_log off;'): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 64; }
http {
  ${accessLog}
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
${servers.map((s) => `  ${s}\n`).join('')}}
`;
}
