// Fetches an artifact's bytes from the blob storage URL GitHub redirects to, bounded in bytes and
// time, retried on the faults a storage front end answers with (5xx, 429, 408, dropped connections)
// by the same policy as every API call (octokit.ts: `retries` times, waits growing as the square).
// The URL carries a signature: it never appears in a message.
import { HttpClient, type HttpClientResponse } from '@actions/http-client';
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
      if (error instanceof ArtifactTooLargeError) throw error;
      const retryable = error instanceof RetryableError || isNetworkError(error);
      if (!retryable || attempt >= retries) throw new Error(`downloading the artifact from ${scrub(url)} failed: ${(error as Error).message}`);
      const wait = retryWaitMs(attempt, options.retryAfterBaseValue);
      options.log?.(`artifact download: ${(error as Error).message}; retrying in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function fetchOnce(url: string, options: BlobDownloadOptions): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // @actions/http-client, as @actions/artifact downloads: it goes through the runner's proxy
  // settings (https_proxy, no_proxy), which Node's own fetch ignores.
  // Its own idle timeout only backs up the deadline below (it fails without an error code).
  const client = new HttpClient('perfgate', [], { socketTimeout: timeoutMs + 5000, keepAlive: false });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no complete answer in ${timeoutMs} ms`)), timeoutMs);
  });
  let response: HttpClientResponse | undefined;
  try {
    response = await Promise.race([quiet(client.get(url)), deadline]);
    return await Promise.race([quiet(readBody(response, options.maxBytes)), deadline]);
  } finally {
    clearTimeout(timer);
    response?.message.destroy();
    client.dispose();
  }
}

async function readBody(response: HttpClientResponse, maxBytes: number): Promise<Buffer> {
  const status = response.message.statusCode ?? 0;
  if (status >= 500 || status === 429 || status === 408) throw new RetryableError(`blob storage answered ${status}`);
  if (status !== 200) throw new Error(`blob storage answered ${status}`);
  const declared = Number(response.message.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw new ArtifactTooLargeError(`the archive is ${declared} bytes, over the ${maxBytes} allowed`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.message as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new ArtifactTooLargeError(`the archive is over the ${maxBytes} bytes allowed`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

class TimeoutError extends Error {}

/** The same promise, marked handled: when the deadline wins the race, its later failure is expected. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Refused, reset, cut or timed out (ECONNRESET, EPIPE, UND_ERR_SOCKET, ...): worth another try. */
function isNetworkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return error instanceof TimeoutError || (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_\w+)$/.test(code) && !code.startsWith('ERR'));
}

function scrub(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}
