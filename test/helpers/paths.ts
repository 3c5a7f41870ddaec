import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, from the compiled test location (out/test/<dir>/x.js). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test-fixtures');
export const CLI = path.join(REPO_ROOT, 'server', 'out', 'cli.js');
export const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');

/**
 * The team's real datasets (../shared/datasets beside the repository), or TUNELINT_SHARED_DATASETS; undefined when
 * absent, and tests that need them skip with that reason.
 */
export const SHARED_DATASETS: string | undefined = [process.env.TUNELINT_SHARED_DATASETS, path.resolve(REPO_ROOT, '..', 'shared', 'datasets')]
	.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));

export const SKIP_WITHOUT_DATASETS = SHARED_DATASETS === undefined ? 'the shared datasets (../shared/datasets) are not present' : false;
