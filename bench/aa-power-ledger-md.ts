// Regenerates bench/results/aa-power-ledger.md from the ledger: every `## ` section's tables are
// rerun with the `--since`/`--until` its heading names (none: the whole ledger), and the text before
// the first section is kept as written. Run after a sitting, then update that text by hand.
//
//   node --import tsx bench/aa-power-ledger-md.ts [bench/results/aa-power-ledger.md] [bench/results/aa-power-ledger.jsonl]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [md = path.join(ROOT, 'bench/results/aa-power-ledger.md'), ledger = path.join(ROOT, 'bench/results/aa-power-ledger.jsonl')] = process.argv.slice(2);

/** The tally arguments a section heading names, e.g. "## On the EPYC host (`--since 2026-12-05T12:00 --until 2026-12-06T10:57`)". */
function sectionArgs(heading: string): string[] {
  const since = /--since ([0-9T:-]+)/.exec(heading)?.[1];
  const until = /--until ([0-9T:-]+)/.exec(heading)?.[1];
  return [...(since ? ['--since', since] : []), ...(until ? ['--until', until] : [])];
}

const parts = readFileSync(md, 'utf8').split(/^(## .*)$/m);
const out = [parts[0]!];
for (let i = 1; i < parts.length; i += 2) {
  const heading = parts[i]!;
  const body = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/aa-power-ledger.ts'), ledger, ...sectionArgs(heading)], { cwd: ROOT, encoding: 'utf8' });
  out.push(heading, `\n\n${body.replace(/^\n+|\n+$/g, '')}\n\n`);
}
writeFileSync(md, `${out.join('').replace(/\n+$/, '')}\n`);
