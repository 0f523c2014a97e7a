// Fetches an artifact's bytes from the blob storage URL GitHub redirects to, bounded in bytes and
// time, retried on the faults a storage front end answers with (5xx, 429, 408, dropped connections)
// by the same policy as every API call (octokit.ts: `retries` times, waits growing as the square).
// The URL carries a signature: it never appears in a message.
import { ArtifactTooLargeError } from './zip-reader.js';
import { DEFAULT_RETRIES, retryWaitMs } from './octokit.js';

export interface BlobDownloadOptions {
  maxBytes: number;
  /** One attempt, headers to last byte. */
  timeoutMs?: number;
  retries?: number;
  /** As OctokitOptions.retryAfterBaseValue: ms per unit of wait. */
  retryAfterBaseValue?: number;
  log?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

class RetryableError extends Error {}

export async function downloadBlob(url: string, options: BlobDownloadOptions): Promise<Buffer> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, options);
    } catch (error) {
      const retryable = error instanceof RetryableError || isNetworkError(error);
      if (!retryable || attempt >= retries) throw new Error(`downloading the artifact from ${scrub(url)} failed: ${(error as Error).message}`);
      const wait = retryWaitMs(attempt, options.retryAfterBaseValue);
      options.log?.(`artifact download: ${(error as Error).message}; retrying in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function fetchOnce(url: string, options: BlobDownloadOptions): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    await response.body?.cancel();
    throw new RetryableError(`blob storage answered ${response.status}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`blob storage answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    throw new ArtifactTooLargeError(`the archive is ${declared} bytes, over the ${options.maxBytes} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    // Throwing out of the loop cancels the body.
    if (total > options.maxBytes) throw new ArtifactTooLargeError(`the archive is over the ${options.maxBytes} bytes allowed`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** fetch's own failures: refused, reset, timed out (TypeError / AbortSignal.timeout's TimeoutError). */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error as Error)?.name === 'TimeoutError';
}

function scrub(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}
