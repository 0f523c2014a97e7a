// Number and text formatting for the report. Deterministic (no locale APIs): snapshots and PR
// comments must not change with the runner's locale.

/** Thousands separators without toLocaleString. */
function group(intText: string): string {
  return intText.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** µs below 1 ms, else ms with 2/1/0 decimals as the value grows. */
export function formatLatencyUs(us: number | undefined): string {
  if (us === Infinity) return 'no response';
  if (us === undefined || !Number.isFinite(us)) return '—';
  if (us < 1000) return `${Math.round(us)} µs`;
  const ms = us / 1000;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${group(Math.round(ms).toString())} ms`;
}

export function formatRps(rps: number | undefined): string {
  if (rps === undefined || !Number.isFinite(rps)) return '—';
  if (rps >= 100) return group(Math.round(rps).toString());
  return rps.toFixed(1);
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${mib.toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** Counts that may be a median of an even number of probes (x.5). */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? group(n.toString()) : n.toFixed(1);
}

export function formatValue(unit: 'us' | 'rps' | 'bytes' | 'count' | 'queries', v: number | undefined): string {
  switch (unit) {
    case 'us':
      return formatLatencyUs(v);
    case 'rps':
      return formatRps(v);
    case 'bytes':
      return formatBytes(v);
    default:
      return formatCount(v);
  }
}

/** +7.3% / -2.0%; a change that rounds to zero shows as 0.0% without a sign. */
export function formatPercent(fraction: number): string {
  const v = fraction * 100;
  const text = Math.abs(v).toFixed(1);
  if (text === '0.0') return '0.0%';
  return `${v > 0 ? '+' : '-'}${text}%`;
}

/** CI bounds benchstat-style: `[5.2, 9.1]`, negatives keep their sign. */
export function formatInterval(lo: number, hi: number): string {
  const f = (x: number) => {
    const t = (x * 100).toFixed(1);
    return t === '-0.0' ? '0.0' : t;
  };
  return `[${f(lo)}, ${f(hi)}]`;
}
