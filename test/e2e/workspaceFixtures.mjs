// The workspace every end-to-end session opens: fixtures with known defects, copied so the tests may edit them.
import { join } from 'node:path';

import { REPO_ROOT } from './paths.mjs';

/** Workspace file name to its source in test-fixtures/. */
export const WORKSPACE_FIXTURES = {
	'invalid.jsonl': join(REPO_ROOT, 'test-fixtures', 'invalid-json', 'bad.jsonl'),
	'duplicates.jsonl': join(REPO_ROOT, 'test-fixtures', 'duplicate-exact', 'bad.jsonl'),
	// 300 labelled sentences: a proxy model trains on it in seconds.
	'sentiment.jsonl': join(REPO_ROOT, 'test-fixtures', 'training', 'sentiment.jsonl'),
	// Movie reviews against gadget reviews with other labels: drift in labels, length and vocabulary.
	'drift-reference.jsonl': join(REPO_ROOT, 'test-fixtures', 'drift', 'reference.jsonl'),
	'drift-shifted.jsonl': join(REPO_ROOT, 'test-fixtures', 'drift', 'shifted.jsonl'),
};
