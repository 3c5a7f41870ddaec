import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultSettings } from '../../server/src/core';
import { planRebalance } from '../../server/src/core/balance/rebalance';
import { planSplit } from '../../server/src/core/balance/split';
import { planBalanceCommand } from '../../server/src/lsp/balanceCommands';
import { PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND, type RebalancePreview, type SplitPreview } from '../../server/src/protocol/balance';

/** Random labelled records: a few labels, some groups, lines 0..n-1. */
const labelledRecords = fc.array(fc.record({ label: fc.constantFrom('a', 'b', 'c'), group: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }) }), { minLength: 1, maxLength: 200 })
	.map((items) => items.map((item, line) => ({ line, ...item })));

function countLabels(lines: readonly number[], labelOf: (line: number) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const line of lines) {
		counts[labelOf(line)] = (counts[labelOf(line)] ?? 0) + 1;
	}
	return counts;
}

void describe('rebalance and split guarantees (fast-check)', () => {
	void it('undersampling keeps a subset of the original records, in order, equal per class', () => {
		fc.assert(fc.property(labelledRecords, fc.integer(), (records, seed) => {
			const plan = planRebalance(records, 'under', seed);
			assert.equal(new Set(plan.lines).size, plan.lines.length, 'no record twice');
			assert.deepEqual(plan.lines, [...plan.lines].sort((a, b) => a - b), 'file order kept');
			assert.ok(plan.lines.every((line) => line >= 0 && line < records.length));
			const counts = Object.values(countLabels(plan.lines, (line) => records[line].label));
			assert.equal(new Set(counts).size, 1, 'every class has the same size');
			assert.deepEqual(plan.copies, []);
		}));
	});

	void it('oversampling keeps every original record and only adds copies of same-class records', () => {
		fc.assert(fc.property(labelledRecords, fc.integer(), (records, seed) => {
			const plan = planRebalance(records, 'over', seed);
			assert.deepEqual(plan.lines.slice(0, records.length), records.map((record) => record.line), 'the originals come first, all of them');
			assert.deepEqual(plan.lines.slice(records.length), plan.copies);
			const counts = Object.values(countLabels(plan.lines, (line) => records[line].label));
			assert.equal(new Set(counts).size, 1);
			assert.equal(counts[0], Math.max(...Object.values(plan.before)));
		}));
	});

	void it('reweighing gives each class the same total weight (label only) and AIF360 weights with groups', () => {
		fc.assert(fc.property(labelledRecords, (records) => {
			const plain = planRebalance(records.map(({ line, label }) => ({ line, label })), 'reweigh', 1);
			const totals = countWeights(plain.weights ?? [], (weight) => weight.label);
			const values = Object.values(totals);
			assert.ok(values.every((value) => Math.abs(value - values[0]) < 1e-9), 'equal total weight per class');
			assert.deepEqual(plain.lines, records.map((record) => record.line), 'reweighing drops and copies nothing');
		}));
		// AIF360: a label/group cell that is over-represented gets weight below 1, an under-represented one above 1.
		const records = [
			...Array.from({ length: 8 }, (_, line) => ({ line, label: 'pos', group: 'x' })),
			...Array.from({ length: 2 }, (_, line) => ({ line: line + 8, label: 'pos', group: 'y' })),
			...Array.from({ length: 2 }, (_, line) => ({ line: line + 10, label: 'neg', group: 'x' })),
			...Array.from({ length: 8 }, (_, line) => ({ line: line + 12, label: 'neg', group: 'y' })),
		];
		const weights = planRebalance(records, 'reweigh', 1).weights ?? [];
		assert.ok(Math.abs(weights[0].weight - (0.5 * 0.5) / 0.4) < 1e-12);
		assert.ok(Math.abs(weights[8].weight - (0.5 * 0.5) / 0.1) < 1e-12);
	});

	void it('the same seed gives the same rebalance, for every strategy', () => {
		fc.assert(fc.property(labelledRecords, fc.constantFrom('under' as const, 'over' as const, 'reweigh' as const), fc.integer(), (records, strategy, seed) => {
			assert.deepEqual(planRebalance(records, strategy, seed), planRebalance(records, strategy, seed));
		}));
	});

	void it('a split of distinct records sends round(share × records) to validation, whatever the strata', () => {
		const distinct = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { minLength: 1, maxLength: 200 })
			.map((strata) => strata.map((stratum, line) => ({ line, stratum, duplicateKey: String(line) })));
		fc.assert(fc.property(distinct, fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer(), (records, share, seed) => {
			const plan = planSplit(records, share, seed);
			assert.equal(plan.validation.length, Math.round(share * records.length));
			for (const [stratum, counts] of Object.entries(plan.strata)) {
				const size = counts.train + counts.validation;
				assert.ok(Math.abs(counts.validation - share * size) < 1, `stratum ${stratum}: ${counts.validation} of ${size}`);
			}
		}));
		// A hundred classes of three records: each rounds to no validation record on its own, yet 30 are wanted.
		const small = Array.from({ length: 300 }, (_, line) => ({ line, stratum: `class${Math.floor(line / 3)}`, duplicateKey: String(line) }));
		assert.equal(planSplit(small, 0.1, 1).validation.length, 30);
	});

	void it('a split is a partition, keeps exact duplicates together, and is reproducible', () => {
		const splitInput = fc.array(fc.record({ stratum: fc.constantFrom('a', 'b'), duplicateKey: fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12') }), { minLength: 1, maxLength: 150 })
			.map((items) => items.map((item, line) => ({ line, ...item })));
		fc.assert(fc.property(splitInput, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer(), (records, share, seed) => {
			const plan = planSplit(records, share, seed);
			assert.deepEqual([...plan.train, ...plan.validation].sort((a, b) => a - b), records.map((record) => record.line), 'every record exactly once');
			const trainKeys = new Set(plan.train.map((line) => records[line].duplicateKey));
			assert.ok(plan.validation.every((line) => !trainKeys.has(records[line].duplicateKey)), 'no duplicate on both sides');
			assert.deepEqual(planSplit(records, share, seed), plan, 'same seed, same split');
		}));
	});
});

/**
 * Dataset lines as written by hand: keys in either order, odd spacing, any text (escapes, non-ASCII), repeated
 * lines, and a few lines without a label; joined with LF or CRLF.
 */
const datasetText = fc.tuple(
	fc.array(fc.oneof(
		{ weight: 6, arbitrary: fc.record({ label: fc.constantFrom('a', 'b', 'c'), text: fc.string({ unit: 'binary', maxLength: 12 }), space: fc.constantFrom('', ' ', '  ', '\t'), labelFirst: fc.boolean() })
			.map(({ label, text, space, labelFirst }) => (labelFirst ? `{"label":${space}"${label}", "text": ${JSON.stringify(text)}}` : `{"text":${space}${JSON.stringify(text)},${space}"label": "${label}"}`)) },
		{ weight: 1, arbitrary: fc.constantFrom('{"text": "no label here"}', '{"text": "a b", "label": "a"}') },
	), { minLength: 1, maxLength: 60 }),
	fc.constantFrom('\n', '\r\n'),
);

/** The lines of a planned file, without their line endings. */
function plannedLines(content: string, eol: string): string[] {
	return content === '' ? [] : content.slice(0, -eol.length).split(eol);
}

void describe('the editor\'s planned files keep records byte for byte (fast-check)', () => {
	const uri = 'file:///tmp/data.jsonl';
	const settings = defaultSettings();
	const labelled = (line: string): boolean => line.includes('"label"');

	void it('undersampling writes a subset of the input lines in file order; oversampling every line, then copies', () => {
		fc.assert(fc.property(datasetText, fc.integer(), ([lines, eol], seed) => {
			// A file without labels is refused with a message (tested in the LSP tests).
			fc.pre(lines.some(labelled));
			const text = `${lines.join(eol)}${eol}`;
			const under = planBalanceCommand(PLAN_REBALANCE_COMMAND, [uri, 'under', seed], { text }, settings) as RebalancePreview;
			const kept = plannedLines(under.files[0].content, eol);
			let cursor = 0;
			for (const line of kept) {
				cursor = lines.indexOf(line, cursor) + 1;
				assert.ok(cursor > 0, `an undersampled line is not an input line in order: ${JSON.stringify(line)}`);
			}
			const over = planBalanceCommand(PLAN_REBALANCE_COMMAND, [uri, 'over', seed], { text }, settings) as RebalancePreview;
			const written = plannedLines(over.files[0].content, eol);
			assert.deepEqual(written.slice(0, lines.length), lines, 'every line, labelled or not, byte for byte, in order');
			assert.deepEqual(written.slice(lines.length), over.copies.map((line) => lines[line - 1]), 'the copies are the listed lines');
			assert.equal(under.unlabelledLeftOut, lines.filter((line) => !labelled(line)).length);
			assert.deepEqual(planBalanceCommand(PLAN_REBALANCE_COMMAND, [uri, 'over', seed], { text }, settings), over, 'same seed, same file');
		}));
	});

	void it('a split writes every input line exactly once, never an identical line on both sides', () => {
		fc.assert(fc.property(datasetText, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer(), ([lines, eol], share, seed) => {
			const text = `${lines.join(eol)}${eol}`;
			const split = planBalanceCommand(PLAN_SPLIT_COMMAND, [uri, share, seed], { text }, settings) as SplitPreview;
			const [train, validation] = split.files.map((file) => plannedLines(file.content, eol));
			assert.deepEqual([...train, ...validation].sort(), [...lines].sort());
			const trainLines = new Set(train);
			assert.ok(validation.every((line) => !trainLines.has(line)), 'an exact duplicate on both sides');
			assert.deepEqual(planBalanceCommand(PLAN_SPLIT_COMMAND, [uri, share, seed], { text }, settings), split, 'same seed, same files');
		}));
	});
});

function countWeights<T extends { weight: number }>(weights: readonly T[], key: (weight: T) => string): Record<string, number> {
	const totals: Record<string, number> = {};
	for (const weight of weights) {
		totals[key(weight)] = (totals[key(weight)] ?? 0) + weight.weight;
	}
	return totals;
}
