import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI } from '../helpers/paths';

/**
 * Issue 11, no data loss: a writing command killed (SIGKILL) while it writes leaves its input byte for byte intact and
 * no half-written file under the target name; only a temporary file (a dot-name ending in .tmp) may remain.
 */

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** About `megabytes` MB of labelled records, two classes 3:1, with some exact duplicates; seeded, so always the same. */
function datasetText(megabytes: number): string {
	const words = 'river mountain learning quickly because system value train example token ocean city music history science'.split(' ');
	let state = 7;
	const random = (): number => {
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		return state / 4294967296;
	};
	const lines: string[] = [];
	let bytes = 0;
	for (let index = 0; bytes < megabytes * 1024 * 1024; index++) {
		const text = Array.from({ length: 40 }, () => words[Math.floor(random() * words.length)]).join(' ');
		// Every 50th record repeats the one before it, so dedup has something to drop.
		const line = JSON.stringify({ text: index % 50 === 49 ? lines[lines.length - 1] ?? text : `${index} ${text}`, label: random() < 0.75 ? 'common' : 'rare' });
		lines.push(line);
		bytes += line.length + 1;
	}
	return `${lines.join('\n')}\n`;
}

function sha256(file: string): string {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const TEMPORARY = /^\..*\.tmp$/;

interface KilledRun {
	/** A temporary file had appeared, and the target did not exist yet, when the kill was sent. */
	killedWhileWriting: boolean;
	signal: NodeJS.Signals | null;
}

/** Runs the CLI in `folder` and SIGKILLs it as soon as a temporary output file appears there. */
function runAndKillWhileWriting(args: readonly string[], folder: string, target: string): Promise<KilledRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], { cwd: folder, stdio: 'ignore' });
		let killedWhileWriting = false;
		const watcher = watch(folder, (_event, name) => {
			if (name !== null && TEMPORARY.test(name) && child.exitCode === null && !child.killed) {
				killedWhileWriting = !existsSync(target);
				child.kill('SIGKILL');
			}
		});
		child.on('error', reject);
		child.on('exit', (_code, signal) => {
			watcher.close();
			resolve({ killedWhileWriting, signal });
		});
	});
}

const COMMANDS: Array<{ name: string; args: (input: string) => string[]; target: string }> = [
	{ name: 'split', args: (input) => ['split', input], target: 'data.train.jsonl' },
	{ name: 'rebalance --strategy over', args: (input) => ['rebalance', input, '--strategy', 'over'], target: 'data.rebalanced.jsonl' },
	{ name: 'dedup', args: (input) => ['dedup', input, '--out', 'data.dedup.jsonl'], target: 'data.dedup.jsonl' },
];

void describe('a writer killed midway', () => {
	const content = datasetText(10);
	for (const command of COMMANDS) {
		void it(`${command.name}: the input is intact and no half-written target exists`, { timeout: 120_000 }, async () => {
			// An uninterrupted run gives the complete output, the only content the target may ever have.
			const reference = mkdtempSync(path.join(os.tmpdir(), 'tunelint-kill-'));
			folders.push(reference);
			writeFileSync(path.join(reference, 'data.jsonl'), content);
			await new Promise<void>((resolve, reject) => {
				spawn(process.execPath, [CLI, ...command.args('data.jsonl')], { cwd: reference, stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command.name} exited with ${code}`))));
			});
			const complete = readFileSync(path.join(reference, command.target));

			let killedWhileWriting = false;
			// Timing decides where the kill lands; a few attempts make it land during a write at least once.
			for (let attempt = 0; attempt < 3 && !killedWhileWriting; attempt++) {
				const folder = mkdtempSync(path.join(os.tmpdir(), 'tunelint-kill-'));
				folders.push(folder);
				const input = path.join(folder, 'data.jsonl');
				writeFileSync(input, content);
				const before = sha256(input);
				const target = path.join(folder, command.target);
				const run = await runAndKillWhileWriting(command.args('data.jsonl'), folder, target);
				killedWhileWriting ||= run.killedWhileWriting;

				assert.equal(sha256(input), before, 'the input changed');
				for (const name of readdirSync(folder)) {
					if (name === 'data.jsonl' || TEMPORARY.test(name)) {
						continue;
					}
					// A visible output exists only if it was renamed into place before the kill: then it is complete.
					assert.ok(readFileSync(path.join(folder, name)).equals(readFileSync(path.join(reference, name))), `${name} is half-written`);
				}
				if (run.killedWhileWriting) {
					assert.equal(run.signal, 'SIGKILL');
					assert.ok(!existsSync(target) || readFileSync(target).equals(complete), `${command.target} is half-written`);
				}
			}
			assert.ok(killedWhileWriting, 'the kill never landed while a temporary file was being written');
		});
	}
});
