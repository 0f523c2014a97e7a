// A test that forgot to stop what it started relied, under node:test, on the exit hooks of its own
// process; under jest those hooks never run (see reaper.js), so what is left is named and stopped here.
import { RUN_ENV, runProcesses, stopProcesses } from './reaper.js';

export default async function globalTeardown() {
  const token = process.env[RUN_ENV];
  if (!token) return;
  const left = runProcesses(token).filter((p) => !/jest-worker\/build\/.*processChild/.test(p.cmdline));
  if (left.length === 0) return;
  process.stderr.write(`left running by the tests, now stopped:\n${left.map((p) => `  ${p.pid} ${p.cmdline.slice(0, 200)}`).join('\n')}\n`);
  await stopProcesses(left);
}
