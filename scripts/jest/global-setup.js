// Tags the run's processes (see reaper.js) and stops them all when jest is interrupted: jest itself
// would exit on SIGINT/SIGTERM and leave PostgreSQL, MariaDB and the services the tests started
// running, each in a process group of its own that the terminal's Ctrl-C does not reach.
import { RUN_ENV, newRunToken, runProcesses, stopProcesses } from './reaper.js';

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export default function globalSetup() {
  const token = newRunToken();
  process.env[RUN_ENV] = token;
  let stopping = false;
  for (const signal of Object.keys(SIGNAL_EXIT)) {
    process.on(signal, () => {
      // The terminal and `npm test` both deliver a Ctrl-C; one teardown (at most ~5 s) serves both.
      if (stopping) return;
      stopping = true;
      const procs = runProcesses(token);
      process.stderr.write(`\n${signal}: stopping ${procs.length} process(es) the tests started\n`);
      stopProcesses(procs).finally(() => process.exit(SIGNAL_EXIT[signal]));
    });
  }
}
