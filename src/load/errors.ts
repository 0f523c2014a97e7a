import { EnvironmentError } from '../errors.js';

/** Why a scenario's probe refused to send load. */
export type ProbeFailure =
  /** Could not connect or the request failed on the wire (refused, reset, DNS, timeout). */
  | 'connect'
  /** The response status was not 2xx. */
  | 'status'
  /** The server answered `Connection: close`, and load.connection or pipelining needs the connection kept. */
  | 'connection-close'
  /** The server closed the keep-alive socket without saying so, and the configuration needs it kept. */
  | 'socket-closed';

/**
 * A scenario cannot be measured as configured. The pipeline records it as the scenario's `error`
 * and carries on with the other scenarios; exit code 3 if it ends the run.
 */
export class ScenarioError extends EnvironmentError {
  readonly reason: ProbeFailure;
  readonly status?: number;
  constructor(reason: ProbeFailure, message: string, options: { status?: number; details?: string } = {}) {
    super(message, options.details);
    this.reason = reason;
    this.status = options.status;
  }
}
