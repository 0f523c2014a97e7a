// Reading results files written by another run. They are data from elsewhere (another job, another
// machine, possibly a fork), so size is capped and shape is validated before anything trusts them.
import { readFileSync, statSync } from 'node:fs';
import { PerfgateError, ExitCode } from '../errors.js';
import { validate as validator } from './results-validator.generated.js';
import type { Results } from './types.js';

export const MAX_RESULTS_BYTES = 20 * 1024 * 1024;

export class ResultsFileError extends PerfgateError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

export function readResultsFile(file: string, maxBytes = MAX_RESULTS_BYTES): Results {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ResultsFileError(`results file not found: ${file}`);
  }
  if (size > maxBytes) throw new ResultsFileError(`results file ${file} is ${size} bytes, over the ${maxBytes}-byte limit`);
  return parseResults(readFileSync(file, 'utf8'), file);
}

export function parseResults(text: string, source: string): Results {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data === 'object' && data !== null && 'schema' in data && (data as { schema: unknown }).schema !== 'perfgate/results@1') {
    const schema = JSON.stringify((data as { schema: unknown }).schema) ?? 'undefined';
    // The schema string is the file's (untrusted, any length): quoted and capped.
    const shown = schema.length > 80 ? `${schema.slice(0, 77)}...` : schema;
    throw new ResultsFileError(`${source} has schema ${shown}; this perfgate reads perfgate/results@1`);
  }
  if (!validator(data)) {
    const err = validator.errors?.[0];
    throw new ResultsFileError(`${source} is not a perfgate results file: ${err?.instancePath || '(root)'} ${describeError(err)}`);
  }
  return data;
}

/** ajv says "must be number" for Infinity and NaN under strictNumbers: say what is wrong with it. */
function describeError(err: { keyword: string; message?: string } | undefined): string {
  if (!err) return 'is invalid';
  if (err.keyword === 'type' && /number|integer/.test(err.message ?? '')) return `${err.message} (a finite number; Infinity and NaN are not allowed)`;
  return err.message ?? 'is invalid';
}
