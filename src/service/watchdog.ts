// The service must not outlive perfgate, however perfgate dies. The registry's signal and 'exit'
// handlers cover Ctrl-C, SIGTERM and normal exits, but SIGKILL, the OOM killer and V8 aborting on
// heap exhaustion run no JavaScript at all. Linux's PR_SET_PDEATHSIG would have to be set inside the
// child (the service's /bin/sh cannot) and fires on the death of the spawning *thread*, so instead:
//
// one small watchdog process holds the read end of a pipe whose write end only perfgate holds (Node
// opens pipes close-on-exec, so no other child inherits it). The kernel closes that end when perfgate
// dies, for any reason; the watchdog reads EOF and tears down every process group still registered
// with it: SIGTERM, the group's grace period, SIGKILL. It also finds members that left their group
// (setsid daemons) by the service marker in their environment, as the process tracker does.
//
// The watchdog runs in its own session, so a signal to perfgate's process group (Ctrl-C in a terminal)
// does not take it down first, and it gets an empty environment: it never holds a credential.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { SERVICE_MARKER_ENV } from './process-tree.js';

// Plain JavaScript text, run with `node -e`: a string, so the bundler leaves it alone. Protocol on
// stdin, one line each: `+ <pgid> <marker> <graceMs>` registers a group, `- <pgid>` forgets it.
const WATCHDOG_SOURCE = String.raw`
const fs = require('node:fs');
const groups = new Map();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const [op, pgid, marker, grace] = pending.slice(0, nl).split(' ');
    pending = pending.slice(nl + 1);
    if (op === '+') groups.set(Number(pgid), { marker, graceMs: Number(grace) });
    else groups.delete(Number(pgid));
  }
});
const MARKER_ENV = ${JSON.stringify(SERVICE_MARKER_ENV)};
function members(marker) {
  const found = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch {}
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!fs.readFileSync('/proc/' + e + '/environ', 'latin1').split('\0').includes(MARKER_ENV + '=' + marker)) continue;
      const stat = fs.readFileSync('/proc/' + e + '/stat', 'utf8');
      found.push({ pid: Number(e), pgrp: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) });
    } catch {}
  }
  return found;
}
function signalAll(signal) {
  let alive = 0;
  for (const [pgid, g] of groups) {
    const found = members(g.marker);
    alive += found.length;
    // The group is signalled only while a marked process is still in it: process ids are reused
    // (pid_max is often 32768), and an id whose group has ended may now lead someone else's.
    if (found.some((m) => m.pgrp === pgid)) { try { process.kill(-pgid, signal); } catch {} }
    for (const m of found) { try { process.kill(m.pid, signal); } catch {} }
  }
  return alive;
}
function teardown() {
  if (groups.size === 0) process.exit(0);
  const grace = Math.max(...[...groups.values()].map((g) => g.graceMs));
  if (signalAll('SIGTERM') === 0) process.exit(0);
  const killAt = Date.now() + grace;
  const tick = setInterval(() => {
    const left = Date.now() < killAt ? signalAll(0) : signalAll('SIGKILL');
    if (left === 0 || Date.now() > killAt + 3000) { clearInterval(tick); process.exit(0); }
  }, 50);
}
process.stdin.on('end', teardown);
process.stdin.on('error', teardown);
`;

let watchdog: { child: ChildProcess; stdin: Socket } | undefined;

function start(): { child: ChildProcess; stdin: Socket } {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], { detached: true, env: {}, stdio: ['pipe', 'ignore', 'ignore'] });
  const stdin = child.stdin as Socket;
  // Neither the watchdog nor its pipe may keep perfgate's event loop alive.
  child.unref();
  stdin.unref();
  stdin.on('error', () => {
    // The watchdog died (someone killed it): the in-process teardown still covers normal exits.
    watchdog = undefined;
  });
  return { child, stdin };
}

/**
 * Puts a process group under the watchdog until the returned function is called (after the group
 * has been stopped). Linux only: elsewhere there is no /proc to find the members by.
 */
export function watchGroup(pgid: number, marker: string, graceMs: number): () => void {
  if (process.platform !== 'linux') return () => {};
  watchdog ??= start();
  const { stdin } = watchdog;
  stdin.write(`+ ${pgid} ${marker} ${Math.round(graceMs)}\n`);
  return () => {
    if (!stdin.destroyed) stdin.write(`- ${pgid}\n`);
  };
}
