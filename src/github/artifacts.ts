// Artifact transfer behind a two-method interface, so the dispatch logic and the tests of the
// baseline search do not depend on @actions/artifact's environment (ACTIONS_RUNTIME_TOKEN, ...).
import { mkdir } from 'node:fs/promises';
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
  /** Starts loading the upload client now, while the job waits on other things (see upload); never rejects. */
  prepareUpload?(): Promise<void>;
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
  // Loaded only by the jobs that upload: @actions/artifact (with Azure's storage client) is half of
  // the bundle, and the report and command jobs never need it. ncc emits it as a chunk of its own.
  let client: Promise<InstanceType<typeof import('@actions/artifact').DefaultArtifactClient>> | undefined;
  const uploader = () => (client ??= import('@actions/artifact').then((m) => new m.DefaultArtifactClient()));
  return {
    prepareUpload() {
      // A failure shows when upload() awaits the same promise.
      return uploader().then(
        () => undefined,
        () => undefined,
      );
    },
    async upload(name, files, rootDir, retentionDays) {
      const { id } = await (await uploader()).uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
      return id;
    },
    // The REST call (which answers with a redirect to blob storage) goes through the retrying
    // Octokit; @actions/artifact's downloadArtifact would build a client of its own without retry or
    // rate-limit handling, and extract whatever it is given.
    async download(id, dir, from, limits = ARTIFACT_LIMITS) {
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
    },
  };
}
