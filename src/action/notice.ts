// What report mode posts instead of a report when the results artifact cannot be used. Pure.
// The reason can quote the artifact (a schema string, a JSON path): it is untrusted text, so it is
// shortened and shown as a code span, where GitHub renders no markup, links or mentions.

const MAX_REASON_CHARS = 500;

export function unreadableReport(reason: string): string {
  return [
    '### perfgate: artifact unreadable',
    '',
    `The pull request run's results could not be used, so there is no report: ${codeSpan(reason)}`,
    '',
    "The pull request's own perfgate check carries the verdict; its job summary shows what it measured.",
    '',
  ].join('\n');
}

/** One line, at most MAX_REASON_CHARS, for logs. */
export function shortReason(reason: string): string {
  const flat = reason.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_REASON_CHARS ? flat : `${flat.slice(0, MAX_REASON_CHARS)}…`;
}

/** A code span whose fence is longer than any run of backticks inside it (CommonMark). */
function codeSpan(text: string): string {
  const flat = shortReason(text);
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${flat} ${fence}`;
}
