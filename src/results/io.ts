// Reading results files written by another run. They are data from elsewhere (another job, another
// machine, possibly a fork), so size is capped and shape is validated before anything trusts them.
import { readFileSync, statSync } from 'node:fs';
import { Ajv } from 'ajv';
import { PerfgateError, ExitCode } from '../errors.js';
import { ResultsFileSchema } from './schema.js';
import type { Results } from './types.js';

export const MAX_RESULTS_BYTES = 20 * 1024 * 1024;

let validator: ReturnType<Ajv['compile']> | undefined;

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
    throw new ResultsFileError(`${source} has schema ${JSON.stringify((data as { schema: unknown }).schema)}; this perfgate reads perfgate/results@1`);
  }
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(ResultsFileSchema);
  if (!validator(data)) {
    const err = validator.errors?.[0];
    throw new ResultsFileError(`${source} is not a perfgate results file: ${err?.instancePath || '(root)'} ${err?.message ?? 'is invalid'}`);
  }
  return data as Results;
}
