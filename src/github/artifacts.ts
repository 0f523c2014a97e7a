// Artifact transfer behind a two-method interface, so the dispatch logic and the tests of the
// baseline search do not depend on the artifact service's environment (ACTIONS_RUNTIME_TOKEN, ...).
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MAX_UNTRUSTED_RESULTS_BYTES, RESULTS_FILE } from '../action/constants.js';
import { downloadBlob } from './blob-download.js';
import { type ExtractLimits, maxArchiveBytes, writeExpectedFiles } from './bounded-unzip.js';
import type { Octokit } from './octokit.js';
import { BASELINE_FILE, CONFIRM_FILE, OUTCOME_FILE } from './pr.js';

export interface ArtifactSource {
  runId: number;
  owner: string;
  repo: string;
  token: string;
}

export interface ArtifactStore {
  /** Uploads files (all under rootDir) as one artifact of the current run; resolves to its id. */
  upload(name: string, files: string[], rootDir: string, retentionDays?: number): Promise<number | undefined>;
  /**
   * Downloads artifact `id` of another run and extracts into dir only the files perfgate writes
   * (results, baseline, outcome), within a size budget: the artifact may come from a fork.
   * Rejects with ArtifactUnreadableError / ArtifactTooLargeError when the archive cannot be used,
   * and with an error carrying the HTTP status (404, 410) when it is gone.
   */
  download(id: number, dir: string, from: ArtifactSource, limits?: ExtractLimits): Promise<void>;
}

/** What perfgate's own artifacts hold (action/run.ts artifactFiles), each within the untrusted cap. */
const ARTIFACT_FILES = [RESULTS_FILE, BASELINE_FILE, OUTCOME_FILE, CONFIRM_FILE];
export const ARTIFACT_LIMITS: ExtractLimits = {
  names: new Set(ARTIFACT_FILES),
  maxBytes: ARTIFACT_FILES.length * MAX_UNTRUSTED_RESULTS_BYTES,
};

export interface ArtifactStoreOptions {
  /** The retrying, rate-limit-aware client for a token (octokit.ts). */
  octokit: (token: string) => Octokit;
  /** As OctokitOptions.retryAfterBaseValue, for the blob download's retries. */
  retryAfterBaseValue?: number;
  log?: (message: string) => void;
}

export function createArtifactStore(options: ArtifactStoreOptions): ArtifactStore {
  // One download per artifact and limits: a pull request's baseline lookup and its reading of main's
  // history both want the newest baseline, and start at the same time. A later caller gets a copy of
  // the files the first one extracted (or its error).
  const downloads = new Map<string, { dir: string; done: Promise<void> }>();
  const limitsIds = new Map<ExtractLimits, number>();
  const keyOf = (id: number, limits: ExtractLimits) => {
    if (!limitsIds.has(limits)) limitsIds.set(limits, limitsIds.size + 1);
    return `${id}:${limitsIds.get(limits)}`;
  };
  const fetchOnce = async (id: number, dir: string, from: ArtifactSource, limits: ExtractLimits) => {
    // The REST call (which answers with a redirect to blob storage) goes through the retrying
    // Octokit, and only the files perfgate writes are extracted, within limits.
    const { status, headers } = await options.octokit(from.token).rest.actions.downloadArtifact({
      owner: from.owner,
      repo: from.repo,
      artifact_id: id,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    const location = headers.location;
    if ((status as number) !== 302 || !location) throw new Error(`artifact ${id}: GitHub answered ${status} without a download location`);
    const zip = await downloadBlob(location, { maxBytes: maxArchiveBytes(limits), retryAfterBaseValue: options.retryAfterBaseValue, log: options.log });
    await mkdir(dir, { recursive: true });
    await writeExpectedFiles(zip, dir, limits);
  };
  return {
    async upload(name, files, rootDir, retentionDays) {
      // A chunk of its own (fflate with it): the report and command jobs never upload.
      const { uploadArtifact } = await import('./artifact-upload.js');
      return uploadArtifact(name, files, rootDir, { retentionDays, retryAfterBaseValue: options.retryAfterBaseValue, log: options.log });
    },
    async download(id, dir, from, limits = ARTIFACT_LIMITS) {
      const key = keyOf(id, limits);
      const first = downloads.get(key);
      if (!first) {
        const done = fetchOnce(id, dir, from, limits);
        downloads.set(key, { dir, done });
        return done;
      }
      await first.done;
      if (first.dir === dir) return;
      // What was extracted: a flat folder of the files named in `limits`.
      await mkdir(dir, { recursive: true });
      for (const name of await readdir(first.dir)) await copyFile(path.join(first.dir, name), path.join(dir, name));
    },
  };
}
