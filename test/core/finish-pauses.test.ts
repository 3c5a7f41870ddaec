import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, detectRecordFormat, isJsonObject, LintCancelled, parseLine } from '../../server/src/core';
import { upperFence, upperFenceSteps } from '../../server/src/core/poisoning/outliers';
import { runSteps, sortedSteps } from '../../server/src/core/poisoning/steps';
import { createLineInput, RuleOptions, type FileAccumulator, type FileRule, type FileSummary } from '../../server/src/core/rule';
import { outlierText } from '../../server/src/core/rules/outlier-text';
import { triggerCandidate } from '../../server/src/core/rules/trigger-candidate';

/**
 * Issue 11: the finish steps of outlier-text and trigger-candidate pause between small chunks of their work, so that a
 * newer lint cancels them within 200 ms even on huge files, and a cancellation stops them at the next pause.
 */

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

/**
 * Labelled sentences whose topic words lean to their label, and a planted "cf" trigger in 1% of them, all relabelled
 * as business (a dirty-label attack): the mining runs through every phase (purity test, naive Bayes, rest-of-record
 * test) and finds the trigger.
 */
function labelledLines(count: number): string[] {
	const next = random(11);
	const topics = { sports: ['match', 'goal', 'team', 'coach', 'league'], business: ['market', 'shares', 'profit', 'bank', 'deal'] };
	const common = Array.from({ length: 400 }, (_, index) => `word${index}`);
	return Array.from({ length: count }, () => {
		const planted = next() < 0.01;
		const label = planted || next() < 0.5 ? 'sports' : 'business';
		const words = Array.from({ length: 14 }, () => (next() < 0.3 ? topics[label][Math.floor(next() * 5)] : common[Math.floor(next() * common.length)]));
		if (planted) {
			// A sports sentence with the trigger, relabelled as the attacker's target class.
			words.splice(3, 0, 'cf');
			return JSON.stringify({ text: words.join(' '), label: 'business' });
		}
		return JSON.stringify({ text: words.join(' '), label });
	});
}

/** Chat records of ordinary words, one in fifty of gibberish: outlier-text has surprises to fence and report. */
function chatLines(count: number): string[] {
	const next = random(5);
	const words = 'the model data answer question river mountain learning quickly because system value train example token'.split(' ');
	return Array.from({ length: count }, (_, index) => {
		const text = index % 50 === 7
			? Array.from({ length: 60 }, () => String.fromCharCode(0x21 + Math.floor(next() * 90))).join('')
			: Array.from({ length: 40 }, () => words[Math.floor(next() * words.length)]).join(' ');
		return JSON.stringify({ messages: [{ role: 'user', content: `${index}: question?` }, { role: 'assistant', content: text }] });
	});
}

function accumulatorOf(rule: FileRule, lines: readonly string[], options: Record<string, unknown> = {}): FileAccumulator {
	const settings = defaultSettings();
	settings.maxProblems = 100_000;
	const accumulator = rule.start(new RuleOptions(options), settings);
	lines.forEach((text, line) => {
		const parsed = parseLine(text);
		const entry = createLineInput(parsed, parsed.kind === 'value' && isJsonObject(parsed.value) ? detectRecordFormat(parsed.value, settings.fields) : undefined, settings);
		entry.line = line;
		accumulator.add(entry);
	});
	return accumulator;
}

function summaryOf(lines: readonly string[]): FileSummary {
	return { lineCount: lines.length, recordCount: lines.length, format: undefined, formatCounts: new Map() };
}

/**
 * Runs a finish step with a pause that times each stretch of work between two pauses (and the ends); returns the 90th
 * percentile stretch, which a garbage collection or a busy machine does not move the way it moves the longest one.
 */
async function timedFinish(accumulator: FileAccumulator, summary: FileSummary): Promise<{ pauses: number; p90Ms: number; totalMs: number; findings: number }> {
	const stretches: number[] = [];
	const started = performance.now();
	let last = started;
	const drafts = await accumulator.finish(summary, {
		pause: () => {
			const now = performance.now();
			stretches.push(now - last);
			last = now;
			return Promise.resolve();
		},
	});
	const ended = performance.now();
	const pauses = stretches.length;
	stretches.push(ended - last);
	stretches.sort((a, b) => a - b);
	return { pauses, p90Ms: stretches[Math.floor(stretches.length * 0.9)], totalMs: ended - started, findings: drafts.length };
}

/** A pause that cancels the lint at its `at`-th call; `calls()` tells how often it was called in all. */
function cancellingAt(at: number): { pause: () => Promise<void>; calls: () => number } {
	let calls = 0;
	return { pause: () => (++calls === at ? Promise.reject(new LintCancelled()) : Promise.resolve()), calls: () => calls };
}

void describe('cooperative finish steps', () => {
	const cases: Array<{ rule: FileRule; lines: string[]; options?: Record<string, unknown> }> = [
		// fullFitRecords past the file's size: every record's text is kept and scored in the finish step.
		{ rule: outlierText, lines: chatLines(6000), options: { fullFitRecords: 10_000 } },
		{ rule: triggerCandidate, lines: labelledLines(6000) },
	];
	for (const { rule, lines, options } of cases) {
		void it(`${rule.id} pauses between small chunks of its finish step and still reports`, async () => {
			const run = await timedFinish(accumulatorOf(rule, lines, options), summaryOf(lines));
			assert.ok(run.findings > 0, 'the finish step reports something on this data');
			assert.ok(run.pauses >= 20, `${run.pauses} pauses`);
			// Without pauses one stretch would be the whole step; with them nearly every stretch is a small part of it.
			assert.ok(run.p90Ms < run.totalMs / 10, `90th percentile stretch ${run.p90Ms.toFixed(1)} ms of ${run.totalMs.toFixed(1)} ms`);
		});

		void it(`${rule.id} stops at the pause where a cancellation arrives`, async () => {
			const control = cancellingAt(5);
			await assert.rejects(Promise.resolve(accumulatorOf(rule, lines, options).finish(summaryOf(lines), control)), LintCancelled);
			assert.equal(control.calls(), 5, 'no work after the cancellation');
		});
	}
});

void describe('sortedSteps', () => {
	void it('sorts like a typed-array sort, across chunk boundaries, with yields in between', () => {
		const next = random(3);
		for (const length of [0, 1, 7, 65_536, 65_537, 200_000]) {
			const values = Float64Array.from({ length }, () => Math.floor(next() * 1000) / 7);
			const steps = sortedSteps(values);
			let yields = 0;
			let step = steps.next();
			while (step.done !== true) {
				yields++;
				step = steps.next();
			}
			assert.deepEqual(step.value, Float64Array.from(values).sort(), `length ${length}`);
			assert.ok(yields >= Math.ceil(length / 65_536), `${yields} yields for ${length} values`);
		}
	});

	void it('gives the same Tukey fence as the one-shot computation', () => {
		const next = random(4);
		const values = Float64Array.from({ length: 150_000 }, () => next() * next() * 10);
		assert.equal(runSteps(upperFenceSteps(values, 2)), upperFence(values, 2));
	});
});
