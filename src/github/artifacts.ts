// Artifact transfer behind a two-method interface, so the dispatch logic and the tests of the
// baseline search do not depend on @actions/artifact's environment (ACTIONS_RUNTIME_TOKEN, ...).
import { DefaultArtifactClient } from '@actions/artifact';

export interface ArtifactSource {
  runId: number;
  owner: string;
  repo: string;
  token: string;
}

export interface ArtifactStore {
  /** Uploads files (all under rootDir) as one artifact of the current run; resolves to its id. */
  upload(name: string, files: string[], rootDir: string, retentionDays?: number): Promise<number | undefined>;
  /** Downloads and unzips artifact `id` of another run into dir. */
  download(id: number, dir: string, from: ArtifactSource): Promise<void>;
}

export function createArtifactStore(): ArtifactStore {
  const client = new DefaultArtifactClient();
  return {
    async upload(name, files, rootDir, retentionDays) {
      const { id } = await client.uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
      return id;
    },
    async download(id, dir, from) {
      await client.downloadArtifact(id, {
        path: dir,
        findBy: {
          token: from.token,
          workflowRunId: from.runId,
          repositoryOwner: from.owner,
          repositoryName: from.repo,
        },
      });
    },
  };
}
