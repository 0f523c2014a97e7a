// Artifact transfer behind a two-method interface, so the dispatch logic and the tests of the
// baseline search do not depend on @actions/artifact's environment (ACTIONS_RUNTIME_TOKEN, ...).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { MAX_UNTRUSTED_RESULTS_BYTES, RESULTS_FILE } from '../action/constants.js';
import { type ExtractLimits, extractExpectedFiles } from './bounded-unzip.js';
import { BASELINE_FILE, OUTCOME_FILE } from './pr.js';

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
   */
  download(id: number, dir: string, from: ArtifactSource, limits?: ExtractLimits): Promise<void>;
}

/** What perfgate's own artifacts hold (action/run.ts artifactFiles), each within the untrusted cap. */
const ARTIFACT_FILES = [RESULTS_FILE, BASELINE_FILE, OUTCOME_FILE];
export const ARTIFACT_LIMITS: ExtractLimits = {
  names: new Set(ARTIFACT_FILES),
  maxBytes: ARTIFACT_FILES.length * MAX_UNTRUSTED_RESULTS_BYTES,
};

export function createArtifactStore(): ArtifactStore {
  const client = new DefaultArtifactClient();
  return {
    async upload(name, files, rootDir, retentionDays) {
      const { id } = await client.uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
      return id;
    },
    async download(id, dir, from, limits = ARTIFACT_LIMITS) {
      const raw = await mkdtemp(path.join(os.tmpdir(), 'perfgate-artifact-'));
      try {
        await client.downloadArtifact(id, {
          path: raw,
          skipDecompress: true,
          findBy: {
            token: from.token,
            workflowRunId: from.runId,
            repositoryOwner: from.owner,
            repositoryName: from.repo,
          },
        });
        const [zip] = await readdir(raw);
        if (zip === undefined) throw new Error(`artifact ${id}: the download wrote no file`);
        await mkdir(dir, { recursive: true });
        await extractExpectedFiles(path.join(raw, zip), dir, limits);
      } finally {
        await rm(raw, { recursive: true, force: true });
      }
    },
  };
}
