import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planRebalance } from '../../server/src/core/balance/rebalance';
import { planSplit } from '../../server/src/core/balance/split';

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

function countWeights<T extends { weight: number }>(weights: readonly T[], key: (weight: T) => string): Record<string, number> {
	const totals: Record<string, number> = {};
	for (const weight of weights) {
		totals[key(weight)] = (totals[key(weight)] ?? 0) + weight.weight;
	}
	return totals;
}
