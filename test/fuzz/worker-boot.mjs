// Worker entry for guard.ts: registers tsx's loader in this thread (worker threads do not get it
// from the parent's --import) and loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
