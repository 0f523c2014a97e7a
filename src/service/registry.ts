// Every process group perfgate starts is registered here until it has been torn down, so that Ctrl-C,
// a CI cancellation (SIGTERM) or an unexpected exit never leaves a service running on the machine.

export interface Stoppable {
  /** Graceful: SIGTERM, grace period, SIGKILL. Idempotent. */
  stop(): Promise<void>;
  /** Synchronous SIGKILL of everything, for the process 'exit' handler where nothing async runs. */
  killNow(): void;
}

const live = new Set<Stoppable>();

/** Registers a child; returns the function that unregisters it. */
export function registerChild(child: Stoppable): () => void {
  live.add(child);
  return () => live.delete(child);
}

export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...live].map((child) => child.stop()));
}

export function killAllChildrenNow(): void {
  for (const child of live) {
    try {
      child.killNow();
    } catch {
      // keep going: the others must die too
    }
  }
}

const EXIT_CODE_FOR_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;
let uninstall: (() => void) | undefined;

/**
 * On SIGINT/SIGTERM: stop every registered child, then exit 130/143. A second signal while stopping
 * kills at once. On process 'exit' (any cause), SIGKILL whatever is still registered. Idempotent;
 * returns a function that removes the handlers.
 */
export function installSignalTeardown(log: (line: string) => void = (line) => process.stderr.write(line + '\n')): () => void {
  if (uninstall) return uninstall;
  let stopping = false;
  const onSignal = (signal: keyof typeof EXIT_CODE_FOR_SIGNAL): void => {
    const code = EXIT_CODE_FOR_SIGNAL[signal];
    if (stopping) {
      killAllChildrenNow();
      process.exit(code);
    }
    stopping = true;
    if (live.size > 0) log(`perfgate: received ${signal}, stopping ${live.size} service process group(s)…`);
    void stopAllChildren().finally(() => process.exit(code));
  };
  const onSigint = (): void => onSignal('SIGINT');
  const onSigterm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('exit', killAllChildrenNow);
  uninstall = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('exit', killAllChildrenNow);
    uninstall = undefined;
  };
  return uninstall;
}
