// What one round counts, fed by autocannon's events. Kept apart from the runner so the per-request
// path can be measured on its own (bench/load-handler-cost.ts). Pure: no I/O.
import { createLatencyHistogram, type LatencyHistogram } from './histogram.js';

export class RoundTally {
  readonly histogram: LatencyHistogram = createLatencyHistogram();
  responses = 0;
  non2xx = 0;
  errors = 0;
  /** False once the measured window has closed: later events belong to no round. */
  open = true;

  /**
   * autocannon's `response` event: (client, statusCode, bytes, responseTime in fractional ms).
   * The per-request path: a few comparisons and one histogram record (tens of ns).
   */
  readonly onResponse = (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number): void => {
    if (!this.open) return;
    this.responses++;
    if (statusCode < 200 || statusCode > 299) this.non2xx++;
    this.histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
  };

  /** autocannon's `reqError` event (connection errors and timeouts), or requests lost on a closed socket. */
  readonly onErrors = (count = 1): void => {
    if (this.open) this.errors += count;
  };

  close(): void {
    this.open = false;
  }
}
