/** 60000 → "60s", 1500 → "1.5s", 250 → "250ms": durations as a user wrote them in the config. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
