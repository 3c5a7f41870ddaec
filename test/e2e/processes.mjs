// Finds processes by their command line, to check that a cancelled job really stopped.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** The ids of the running processes whose command line contains every one of `parts`. */
export function processesMatching(parts) {
	const found = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
			const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
			// A zombie has ended; only its parent has not collected its exit status yet.
			if (state !== 'Z' && parts.every((part) => commandLine.includes(part))) {
				found.push(Number(entry));
			}
		} catch {
			// The process ended while we were reading.
		}
	}
	return found;
}

/** Waits until some (or, with `present: false`, no) process matches `parts`; throws after `timeoutMs`. */
export async function waitForProcesses(parts, { present, timeoutMs }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = processesMatching(parts);
		if ((found.length > 0) === present) {
			return found;
		}
		if (Date.now() > deadline) {
			throw new Error(`after ${timeoutMs} ms, processes matching ${parts.join(' ')}: ${found.join(', ') || 'none'}`);
		}
		await delay(100);
	}
}
