// A free loopback port for a test server. Probing then closing leaves a small race with other
// processes; servers we start ourselves on it fail loudly (EADDRINUSE) rather than misbehave.
export { freeLoopbackPort as freePort } from '../../src/demo/embedded-postgres.js';
