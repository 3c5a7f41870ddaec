import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultSettings, detectRecordFormat, DocumentLinter, isJsonObject, LintCancelled, parseLine } from '../../server/src/core';
import { createLineInput, RuleOptions, type FileAccumulator, type FileRule, type RecordRule, type Rule } from '../../server/src/core/rule';
import { conflictingLabels } from '../../server/src/core/rules/conflicting-labels';
import { duplicateExact } from '../../server/src/core/rules/duplicate-exact';
import { duplicateNear } from '../../server/src/core/rules/duplicate-near';

const DUPLICATE_RULES: readonly Rule[] = [duplicateExact, duplicateNear, conflictingLabels];
const yieldControl = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Chat records over a large vocabulary; one in ten is an edited copy of a recent record, so clusters exist. */
function chatLines(count: number, seed = 1): string[] {
	const next = random(seed);
	const vocabulary = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}${Math.floor(next() * 1e6).toString(36)}`);
	const recent: string[][] = [];
	const lines: string[] = [];
	for (let index = 0; index < count; index++) {
		let words: string[];
		if (recent.length > 0 && next() < 0.1) {
			words = recent[Math.floor(next() * recent.length)].map((word) => (next() < 0.05 ? vocabulary[Math.floor(next() * vocabulary.length)] : word));
		} else {
			words = Array.from({ length: 12 + Math.floor(next() * 30) }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
			recent.push(words);
			if (recent.length > 200) {
				recent.shift();
			}
		}
		const half = words.length >> 2;
		lines.push(JSON.stringify({ messages: [{ role: 'user', content: words.slice(0, half).join(' ') }, { role: 'assistant', content: words.slice(half).join(' ') }] }));
	}
	return lines;
}

function edited(lines: readonly string[], at: number, tag: string): string[] {
	const copy = [...lines];
	copy[at] = copy[at].replace('"}]}', ` ${tag}"}]}`);
	return copy;
}

/** A record rule that counts the lines it checks. */
function countingRule(): RecordRule & { checked: number } {
	return { kind: 'record', id: 'counting', category: 'format', description: 'counts checked lines', defaultSeverity: 'info', checked: 0, check() {
		this.checked++;
		return [];
	} };
}

/** A file rule whose finish step calls `onFinish` (to cancel a lint while the next rules finish). */
function finishHook(onFinish: () => void): FileRule {
	return { kind: 'file', id: 'finish-hook', category: 'duplicates', description: 'test hook', defaultSeverity: 'info', start: () => ({ add() {}, finish() {
		onFinish();
		return [];
	} }) };
}

async function milliseconds(run: () => Promise<unknown>): Promise<number> {
	const started = performance.now();
	await run();
	return performance.now() - started;
}

void describe('editor re-lint', () => {
	void it('checks only the changed line again after a one-line edit', async () => {
		const counter = countingRule();
		const rules = [counter, ...DUPLICATE_RULES];
		const linter = new DocumentLinter(defaultSettings(), rules);
		const lines = chatLines(3000);
		await linter.lint(lines);
		assert.equal(counter.checked, 3000);
		const changed = edited(lines, 1234, 'changed');
		await linter.lint(changed);
		assert.equal(counter.checked, 3001, 'one line checked again');
		await linter.lint([...changed.slice(0, 10), '{"text": "new"}', ...changed.slice(10)]);
		assert.equal(counter.checked, 3002, 'an inserted line is the only new one');
	});

	void it('re-lints a 20k-record document after a one-line edit in a small share of the first lint', async () => {
		const rules = DUPLICATE_RULES;
		const linter = new DocumentLinter(defaultSettings(), rules);
		let lines = chatLines(20_000, 2);
		const first = await milliseconds(() => linter.lint(lines, { yieldControl }));
		const again: number[] = [];
		for (let round = 0; round < 3; round++) {
			lines = edited(lines, 500 + round * 4001, `edit${round}`);
			const current = lines;
			again.push(await milliseconds(() => linter.lint(current, { yieldControl })));
		}
		const median = again.sort((a, b) => a - b)[1];
		// The benchmark (bench/relint.mjs) measures the real share; this bound only catches a re-lint that redoes the work.
		assert.ok(median < 0.35 * first, `re-lint ${median.toFixed(0)} ms vs first lint ${first.toFixed(0)} ms`);
	});

	void it('gives exactly a fresh lint after every edit of a document full of near duplicates', async () => {
		const base = chatLines(60, 3);
		const edit = fc.record({
			at: fc.nat(),
			kind: fc.constantFrom('append-word', 'copy-line', 'remove-line', 'insert-variant'),
			word: fc.constantFrom('alpha', 'beta', 'gamma', 'delta'),
			source: fc.nat(),
		});
		await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 10 }), async (edits) => {
			const rules = DUPLICATE_RULES;
			const settings = defaultSettings();
			const linter = new DocumentLinter(settings, rules);
			let lines = [...base];
			await linter.lint(lines);
			for (const { at, kind, word, source } of edits) {
				const index = at % lines.length;
				const other = lines[source % lines.length];
				if (kind === 'append-word') {
					lines = edited(lines, index, word);
				} else if (kind === 'copy-line') {
					lines = lines.map((line, position) => (position === index ? other : line));
				} else if (kind === 'remove-line' && lines.length > 2) {
					lines = lines.filter((_, position) => position !== index);
				} else {
					lines = [...lines.slice(0, index), other.replace('"}]}', ` ${word}"}]}`), ...lines.slice(index)];
				}
				const incremental = await linter.lint(lines);
				const fresh = await new DocumentLinter(settings, rules).lint(lines);
				assert.deepEqual(incremental, fresh);
			}
		}), { numRuns: 40 });
	});
});

void describe('lint cancellation', () => {
	void it('abandons a lint soon after a cancellation arrives while the lines are being checked', async () => {
		const lines = chatLines(40_000, 4);
		const signal = { isCancellationRequested: false };
		let cancelledAt = 0;
		setTimeout(() => {
			signal.isCancellationRequested = true;
			cancelledAt = performance.now();
		}, 200);
		await assert.rejects(new DocumentLinter(defaultSettings()).lint(lines, { signal, yieldControl }), LintCancelled);
		const latency = performance.now() - cancelledAt;
		assert.ok(cancelledAt > 0 && latency < 2000, `cancelled after ${latency.toFixed(0)} ms`);
	});

	void it('pauses, and stops on a cancellation, while a first lint asks every line for its file-rule values', async () => {
		// A value-fed rule whose per-line value takes 0.5 ms: 400 lines take 200 ms after the line loop, before any finish.
		let asked = 0;
		const slowValues: FileRule = { kind: 'file', id: 'slow-values', category: 'duplicates', description: 'test rule', defaultSeverity: 'info', start: () => ({
			add() {},
			lineValue() {
				const until = performance.now() + 0.5;
				while (performance.now() < until) {
					// Busy: the per-line work of a costly rule.
				}
				return ++asked;
			},
			addValues() {},
			finish: () => [],
		}) };
		const lines = chatLines(400, 9);
		const askedAtYields: number[] = [];
		const counting = (): Promise<void> => {
			askedAtYields.push(asked);
			return yieldControl();
		};
		await new DocumentLinter(defaultSettings(), [slowValues]).lint(lines, { yieldControl: counting });
		assert.equal(asked, 400);
		assert.ok(askedAtYields.some((count) => count > 0 && count < 400), `yielded with ${askedAtYields.join(', ')} values asked`);
		// A cancellation that arrives meanwhile ends the lint there, not after every line has been asked.
		asked = 0;
		const signal = { isCancellationRequested: false };
		const cancelling = (): Promise<void> => {
			signal.isCancellationRequested ||= asked > 0;
			return yieldControl();
		};
		await assert.rejects(new DocumentLinter(defaultSettings(), [slowValues]).lint(lines, { signal, yieldControl: cancelling }), LintCancelled);
		assert.ok(asked < 400, `stopped after ${asked} of 400 values`);
	});

	void it('abandons a lint when a cancellation arrives between the file rules\' finish steps', async () => {
		const lines = chatLines(5000, 5);
		const signal = { isCancellationRequested: false };
		// The hook finishes first and cancels; the engine must notice before running the next rule's finish.
		const hook = finishHook(() => {
			signal.isCancellationRequested = true;
		});
		const rules = [hook, duplicateNear, duplicateExact];
		await assert.rejects(new DocumentLinter(defaultSettings(), rules).lint(lines, { signal, yieldControl }), LintCancelled);
	});

	void it('duplicate-near pauses between chunks of its finish step, where a cancellation stops it', async () => {
		const settings = defaultSettings();
		const lines = chatLines(5000, 7);
		const accumulatorOf = (): FileAccumulator => {
			const accumulator = duplicateNear.start(new RuleOptions({}), settings);
			lines.forEach((text, line) => {
				const parsed = parseLine(text);
				const entry = createLineInput(parsed, parsed.kind === 'value' && isJsonObject(parsed.value) ? detectRecordFormat(parsed.value, settings.fields) : undefined, settings);
				entry.line = line;
				accumulator.add(entry);
			});
			return accumulator;
		};
		const summary = { lineCount: lines.length, recordCount: lines.length, format: 'openai-chat' as const, formatCounts: new Map() };
		let pauses = 0;
		await accumulatorOf().finish(summary, { pause: () => Promise.resolve(void pauses++) });
		assert.ok(pauses >= 16, `${pauses} pauses (one per band at least)`);
		let calls = 0;
		const cancelling = { pause: (): Promise<void> => (++calls === 3 ? Promise.reject(new LintCancelled()) : Promise.resolve()) };
		await assert.rejects(Promise.resolve(accumulatorOf().finish(summary, cancelling)), LintCancelled);
		assert.equal(calls, 3, 'no work after the cancellation');
	});

	void it('keeps the previous lint usable after a cancelled one', async () => {
		const rules = DUPLICATE_RULES;
		const settings = defaultSettings();
		const linter = new DocumentLinter(settings, rules);
		const lines = chatLines(2000, 6);
		await linter.lint(lines);
		const signal = { isCancellationRequested: true };
		await assert.rejects(linter.lint(edited(lines, 5, 'x'), { signal, yieldControl, yieldEvery: 100 }), LintCancelled);
		assert.deepEqual(await linter.lint(edited(lines, 7, 'y')), await new DocumentLinter(settings, rules).lint(edited(lines, 7, 'y')));
	});
});
