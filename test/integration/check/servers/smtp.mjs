// A real SMTP server (npm smtp-server) for SMTP_CHECK tests: node smtp.mjs HOST PORT
import { SMTPServer } from 'smtp-server';

const [host, port] = process.argv.slice(2);
const srv = new SMTPServer({ authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false, name: 'rs.kc.test' });
srv.listen(Number(port), host, () => process.stdout.write('ready\n'));
