// INTERIM, to be deleted when gh19's rewrite of src/github/baseline.ts is merged: a stand-in with
// the signature of its `baselineRunsWithArtifact(octokit, { owner, repo, branch, workflowId?,
// artifactName, maxRuns? })`, so src/github/history.ts is written against that API already. Only
// run.ts's one import names this file: point it at './baseline.js' and delete this one.
import type { Octokit } from './octokit.js';
import type { Repo } from './baseline.js';
import type { BaselineRunRef, BaselineRunsQuery } from './history.js';

/** Successful non-PR runs of the branch in this repository that still hold the artifact, newest first. */
export async function* baselineRunsWithArtifact(octokit: Octokit, q: BaselineRunsQuery & Repo): AsyncGenerator<BaselineRunRef> {
  const gh = { octokit, owner: q.owner, repo: q.repo };
  const own = `${gh.owner}/${gh.repo}`.toLowerCase();
  const max = q.maxRuns ?? Infinity;
  let yielded = 0;
  const params = { owner: gh.owner, repo: gh.repo, branch: q.branch, status: 'success' as const, per_page: 100 };
  const pages =
    q.workflowId === undefined
      ? gh.octokit.paginate.iterator(gh.octokit.rest.actions.listWorkflowRunsForRepo, params)
      : gh.octokit.paginate.iterator(gh.octokit.rest.actions.listWorkflowRuns, { ...params, workflow_id: q.workflowId });
  for await (const page of pages) {
    const runs = page.data
      .filter((r) => r.head_repository?.full_name?.toLowerCase() === own && r.event !== 'pull_request')
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    for (const run of runs) {
      const { data } = await gh.octokit.rest.actions.listWorkflowRunArtifacts({ owner: gh.owner, repo: gh.repo, run_id: run.id, name: q.artifactName, per_page: 100 });
      const artifact = data.artifacts.find((a) => a.name === q.artifactName && !a.expired);
      if (!artifact) continue;
      yield { runId: run.id, headSha: run.head_sha, createdAt: run.created_at, artifactId: artifact.id, sizeBytes: artifact.size_in_bytes };
      if (++yielded >= max) return;
    }
  }
}
