/** Where the benchmarks write their reports: docs/benchmarks/ of the repository, whatever the working directory. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const REPORTS = join(REPO_ROOT, 'docs', 'benchmarks');
/** The timed HTTP benchmark's report. */
export const HTTP_REPORT = join(REPORTS, 'http.md');
/** The instruction counts' report. */
export const INSTRUCTIONS_REPORT = join(REPORTS, 'instruction-counts.md');
