import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Extensions the CLI picks up when given a directory. */
const DATASET_EXTENSIONS = ['.jsonl', '.ndjson'];

/**
 * Expands the command line's paths: files as given, directories walked for .jsonl/.ndjson files (sorted, so
 * output is stable). A path that does not exist is returned in `missing` for a clear message.
 */
export async function expandPaths(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
	const files: string[] = [];
	const missing: string[] = [];
	for (const given of paths) {
		const stat = await fs.stat(given).catch(() => undefined);
		if (stat === undefined) {
			missing.push(given);
		} else if (stat.isDirectory()) {
			files.push(...(await walk(given)));
		} else {
			files.push(given);
		}
	}
	return { files, missing };
}

async function walk(directory: string): Promise<string[]> {
	const entries = await fs.readdir(directory, { withFileTypes: true });
	const found: string[] = [];
	for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
		const full = path.join(directory, entry.name);
		if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
			found.push(...(await walk(full)));
		} else if (entry.isFile() && DATASET_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
			found.push(full);
		}
	}
	return found;
}
