// What report mode posts instead of a report when the results artifact cannot be used. Pure.
// The reason can quote the artifact (a schema string, a JSON path): it is untrusted text, so it is
// shortened and shown as a code span, where GitHub renders no markup, links or mentions.

import { codeSpan } from '../report/escape.js';

const MAX_REASON_CHARS = 500;

export function unreadableReport(reason: string): string {
  return [
    '### perfgate: artifact unreadable',
    '',
    `The pull request run's results could not be used, so there is no report: ${codeSpan(shortReason(reason), MAX_REASON_CHARS + 1)}`,
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
