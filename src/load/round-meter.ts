// What every round measures besides its responses, whichever client sends the load: the round's
// clock (first request to last answer, and when sending stopped), the load generator's own CPU, and
// the service's CPU and peak RSS through the ResourceMeter; then the RoundResult from those and the
// round's tally. Used by the reconnecting client (reconnecting.ts); runner.ts computes the same.
import type { RoundResult } from '../results/types.js';
import { attachHistogram, percentilesOf } from './histogram.js';
import type { ResourceMeter } from './runner.js';
import type { RoundTally } from './tally.js';

const RSS_SAMPLE_MS = 100;

export class RoundMeter {
  private readonly start = process.hrtime.bigint();
  private readonly clientCpuStart = process.cpuUsage();
  private readonly serviceCpuStart: number;
  private peakRss: number;
  private readonly rssTimer?: NodeJS.Timeout;
  private sendingNs?: bigint;
  private roundNs?: bigint;
  private clientCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  private serviceCpuUs = 0;
  /** The first failure to read the meter (the service is gone): the round ends and rethrows it. */
  error: unknown;

  /** Starts the clock. `onMeterError` ends the round when the service can no longer be read. */
  constructor(
    private readonly meter: ResourceMeter | undefined,
    private readonly onMeterError: () => void,
  ) {
    this.serviceCpuStart = meter ? meter.readCpuUs() : 0;
    this.peakRss = meter ? meter.readRssBytes() : 0;
    if (meter) this.rssTimer = setInterval(() => this.sampleRss(), RSS_SAMPLE_MS);
  }

  /** Milliseconds since the round started. */
  elapsedMs(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e6;
  }

  /** Sending has stopped; what follows is the drain. */
  stopSending(): void {
    this.sendingNs ??= process.hrtime.bigint() - this.start;
  }

  /** The round is over: read the clock, the client's CPU and the service's CPU and RSS, once. */
  end(): void {
    if (this.roundNs !== undefined) return;
    this.roundNs = process.hrtime.bigint() - this.start;
    this.sendingNs ??= this.roundNs;
    this.clientCpu = process.cpuUsage(this.clientCpuStart);
    clearInterval(this.rssTimer);
    if (!this.meter) return;
    try {
      this.serviceCpuUs = this.meter.readCpuUs() - this.serviceCpuStart;
    } catch (err) {
      this.error ??= err;
    }
    this.sampleRss();
  }

  /** The round's result from its tally; its µs histogram stays attached (histogramOf). */
  resultOf(tally: RoundTally, extra: Partial<RoundResult> = {}): RoundResult {
    this.end();
    const roundNs = this.roundNs!;
    const durationMs = Number(roundNs) / 1e6;
    const { responses, errors, non2xx, histogram } = tally;
    const round: RoundResult = {
      rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
      latencyUs: percentilesOf(histogram),
      requests: responses,
      errors,
      non2xx,
      durationMs,
      drainMs: Number(roundNs - this.sendingNs!) / 1e6,
      ...extra,
    };
    // Per-request figures are left out, not NaN, when nothing completed.
    if (responses > 0) round.clientCpuUsPerRequest = (this.clientCpu.user + this.clientCpu.system) / responses;
    if (this.meter) {
      if (responses > 0) round.cpuUsPerRequest = this.serviceCpuUs / responses;
      round.peakRssBytes = this.peakRss;
    }
    attachHistogram(round, histogram);
    return round;
  }

  private sampleRss(): void {
    try {
      const rss = this.meter!.readRssBytes();
      if (rss > this.peakRss) this.peakRss = rss;
    } catch (err) {
      this.error ??= err;
      this.onMeterError();
    }
  }
}
