// Fails when the committed dist/ does not match a fresh build of src/: GitHub runs the action from
// dist/, so a stale bundle would ship code nobody reviewed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(path.join(os.tmpdir(), 'perfgate-dist-'));
try {
  // The validators compiled from the schemas are committed source too: stale ones fail here first.
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/generate-validators.ts'), '--check'], { cwd: root, stdio: 'inherit' });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle.js'), fresh], { cwd: root, stdio: 'inherit' });
  const committed = listFiles(path.join(root, 'dist'));
  const built = listFiles(fresh);
  const problems = [];
  for (const file of new Set([...committed, ...built])) {
    if (!committed.includes(file)) problems.push(`missing from dist/: ${file}`);
    else if (!built.includes(file)) problems.push(`stale extra file in dist/: ${file}`);
    else if (!readFileSync(path.join(root, 'dist', file)).equals(readFileSync(path.join(fresh, file))))
      problems.push(`differs from a fresh build: dist/${file}`);
  }
  if (problems.length > 0) {
    console.error(`dist/ is stale — run \`npm run build\` and commit dist/:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.error(`dist/ matches a fresh build (${built.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}

function listFiles(dir, prefix = '') {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out = out.concat(listFiles(full, rel));
    else out.push(rel);
  }
  return out.sort();
}
