// Shared helpers for benchmarks: run a Node script in a child process and measure wall time and peak RSS.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_DIR = path.join(ROOT, '.bench');
const RSS_PRELOAD = path.join(ROOT, 'bench', 'maxrss.cjs');

/**
 * Runs `node args…` with a preload that prints the peak RSS at exit; resolves to {seconds, peakMb, code, stdout}.
 * The child's stdout is drained (counted, not kept) so that large reports do not distort memory.
 */
export function measureNode(args, { keepStdout = false, timeoutMs = 3_600_000 } = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn(process.execPath, ['--require', RSS_PRELOAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stdoutBytes = 0;
		let peakKb = 0;
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.stdout.on('data', (chunk) => {
			stdoutBytes += chunk.length;
			if (keepStdout) {
				stdout += chunk;
			}
		});
		child.stderr.on('data', (chunk) => {
			const match = /TUNELINT_BENCH_MAXRSS_KB=(\d+)/.exec(String(chunk));
			if (match) {
				peakKb = Number(match[1]);
			}
		});
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			resolve({ seconds, peakMb: peakKb / 1024, code, stdout, stdoutBytes });
		});
	});
}

export function formatRow(cells, widths) {
	return cells.map((cell, index) => String(cell).padEnd(widths[index] ?? 12)).join(' ');
}
