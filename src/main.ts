// The GitHub Action's entry (bundled to dist/index.js): real dependencies wired into run().
// The logic lives in src/action/run.ts so tests can call it without this module's side effect.
import * as core from '@actions/core';
import { run, type Deps } from './action/run.js';
import { createArtifactStore } from './github/artifacts.js';
import { createOctokit, type Octokit } from './github/octokit.js';
import { compareFiles, runPipeline } from './pipeline.js';
import { installSignalTeardown } from './service/registry.js';
import { hideCredentialsFromProcEnviron } from './service/own-environ.js';

export function productionDeps(): Deps {
  // One client per token, shared by the API calls and the artifact downloads (one rate limiter).
  const clients = new Map<string, Octokit>();
  const octokit = (token: string): Octokit => {
    let client = clients.get(token);
    if (!client) clients.set(token, (client = createOctokit(token, { log: { warning: core.warning, info: core.info } })));
    return client;
  };
  return {
    core: {
      getInput: (name) => core.getInput(name),
      info: (m) => core.info(m),
      warning: (m) => core.warning(m),
      setOutput: (name, value) => core.setOutput(name, value),
      setFailed: (m) => core.setFailed(m),
      writeSummary: async (markdown) => {
        await core.summary.addRaw(markdown, true).write();
      },
    },
    env: process.env,
    octokit,
    artifacts: createArtifactStore({ octokit, log: core.info }),
    runPipeline,
    compareFiles,
  };
}

// A cancelled or timed-out job gets SIGINT, then SIGTERM: the service, build and database groups
// run in sessions of their own and would outlive the step (on a self-hosted runner, holding ports
// and CPU for the next job), so they are stopped first.
installSignalTeardown((line) => core.info(line));
// The service can read /proc/<this pid>/environ: the tokens the runner started us with are
// overwritten there (they stay in process.env) before anything from the pull request runs.
const { failed } = hideCredentialsFromProcEnviron();
if (failed) core.warning(`perfgate could not hide the runner's tokens from /proc/${process.pid}/environ (${failed}); the service may read them there`);
// Exit explicitly: keep-alive sockets or rate-limiter timers must not hold a finished step open.
run(productionDeps()).then((code) => process.exit(code));
