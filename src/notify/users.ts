// Moved to src/host/users.ts (the user database and keepalived's script-user rules serve every
// script kind, not only notify scripts); re-exported here for existing importers.
export * from '../host/users.js';
