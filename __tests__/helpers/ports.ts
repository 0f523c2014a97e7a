// A free loopback port for a test server. Probing then closing leaves a small race with other
// processes; servers we start ourselves on it fail loudly (EADDRINUSE) rather than misbehave.
export { freePort } from '../../src/net/free-port.js';
