import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES, defaultSettings, lintLines } from '../../server/src/core';
import { adversarialLines } from '../helpers/adversarial';

/**
 * Catastrophic backtracking turns a 1 MB line into minutes of work. Each rule must finish every adversarial line in
 * bounded time; the bound is generous (tests check behaviour, not speed; `npm run bench` reports the real figures),
 * but far below what a quadratic or exponential pattern would need.
 */
const BOUND_MS = 20_000;

void describe('every rule on adversarial 1 MB lines', () => {
	const lines = adversarialLines(1 << 18);
	for (const rule of ALL_RULES) {
		void it(`${rule.id} finishes each shape in bounded time without crashing`, async () => {
			for (const { shape, line } of lines) {
				const started = performance.now();
				const result = await lintLines([line], defaultSettings(), {}, [rule]);
				const elapsed = performance.now() - started;
				assert.ok(elapsed < BOUND_MS, `${rule.id} took ${Math.round(elapsed)} ms on "${shape}"`);
				assert.ok(result.findings.every((finding) => !finding.message.startsWith('internal error')), `${rule.id} crashed on "${shape}"`);
			}
		});
	}
});
