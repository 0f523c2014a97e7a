// The environment a service or build command gets: perfgate's own, minus the credentials the
// Actions runner hands to every step. The service is code from the pull request; the runner's
// tokens (the action's github-token input, the artifact/cache runtime token, the OIDC request
// token) would let it write to the repository, forge the sticky comment or poison caches. A service
// that really needs one names it in service.env (e.g. `GH_TOKEN: ${GITHUB_TOKEN}`): an explicit choice.

/** Names kept from service and build commands (all tokens or token-bearing URLs on Actions runners). */
export function isRunnerCredential(name: string): boolean {
  return (
    name.startsWith('INPUT_') || // action inputs: github-token and whatever the workflow passed in
    name.startsWith('ACTIONS_') || // ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN/URL, cache/results URLs
    name === 'GITHUB_TOKEN' ||
    name === 'GH_TOKEN'
  );
}

export function withoutRunnerCredentials(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) if (!isRunnerCredential(name)) out[name] = value;
  return out;
}
