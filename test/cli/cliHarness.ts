import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../helpers/paths';

/** What one run of the bundled CLI did. */
export interface CliRun {
	code: number;
	stdout: string;
	stderr: string;
}

/** A finding as `tunelint check --format json` prints it. */
export interface CliFinding {
	file: string;
	line: number;
	column: number;
	endLine: number;
	endColumn: number;
	ruleId: string;
	severity: 'error' | 'warning' | 'info';
	message: string;
	scope: 'line' | 'file';
	data: Record<string, unknown>;
}

/**
 * Runs `node server/out/cli.js ARGS` in `cwd` (a temporary folder, so no .tunelintrc.json of the repository is
 * picked up) and resolves with its exit code and output; it never rejects on a non-zero exit.
 */
export function tunelint(args: readonly string[], cwd: string): Promise<CliRun> {
	if (!existsSync(CLI)) {
		throw new Error(`${CLI} is missing: build it with "node esbuild.mjs" (npm test does it first)`);
	}
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
			if (error !== null && typeof error.code !== 'number') {
				reject(error);
				return;
			}
			resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
		});
	});
}

/** Parses `--format json` output, failing with the CLI's stderr when it is not JSON. */
export function jsonFindings(run: CliRun): CliFinding[] {
	try {
		return JSON.parse(run.stdout) as CliFinding[];
	} catch {
		throw new Error(`not JSON (exit ${run.code}): ${run.stdout.slice(0, 300)}\nstderr: ${run.stderr.slice(0, 1000)}`);
	}
}

/** A scratch folder for one test file's inputs. */
export function scratchFolder(): string {
	return mkdtempSync(path.join(os.tmpdir(), 'tunelint-cli-'));
}

/** Writes a file under `folder` (creating subfolders) and returns its path relative to `folder`. */
export function writeInput(folder: string, name: string, content: string | Uint8Array): string {
	const file = path.join(folder, name);
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, content);
	return name;
}

/** JSON Lines text of the records, with a final newline. */
export function jsonl(records: readonly unknown[], newline = '\n'): string {
	return records.map((record) => JSON.stringify(record) + newline).join('');
}
