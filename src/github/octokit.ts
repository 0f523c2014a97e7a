// The one GitHub client: built once here (retry for 5xx, throttling for rate limits) and passed to
// everything else. Its base URL comes from GITHUB_API_URL (getOctokit reads it), so GHES and the
// test server work unchanged.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  /** Multiplier for retry/rate-limit waits, in ms per "second" GitHub asks for. Tests make it tiny. */
  retryAfterBaseValue?: number;
  /** How many times a 5xx or rate-limited request is retried. */
  retries?: number;
  log?: { warning: (m: string) => void; info: (m: string) => void };
  baseUrl?: string;
}

export const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_BASE_MS = 1000;

/** @octokit/plugin-retry's wait before retry `attempt` (0-based): 1, 4, 9, … times the base. */
export function retryWaitMs(attempt: number, retryAfterBaseValue = DEFAULT_RETRY_BASE_MS): number {
  return (attempt + 1) ** 2 * retryAfterBaseValue;
}

export function createOctokit(token: string, options: OctokitOptions = {}): Octokit {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const base = options.retryAfterBaseValue ?? DEFAULT_RETRY_BASE_MS;
  const log = options.log ?? { warning: () => {}, info: () => {} };
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
      log.warning(`GitHub ${kind} hit for ${request.method} ${request.url}`);
      if (retryCount < retries) {
        log.info(`retrying after ${retryAfter} s`);
        return true;
      }
      return false;
    };
  return getOctokit(
    token,
    {
      // @actions/github reads GITHUB_API_URL when it is first imported; read it again at build time.
      baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
      retry: { retries, retryAfterBaseValue: base },
      throttle: {
        retryAfterBaseValue: base,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    } as Parameters<typeof getOctokit>[1],
    retry as never,
    throttling as never,
  );
}

/** HTTP status of an Octokit RequestError, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
