import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_RULES, defaultSettings, DocumentLinter, lintText, mergeSettings, splitLines, type Rule, type Settings } from '../../server/src/core';
import { conflictingLabels } from '../../server/src/core/rules/conflicting-labels';
import { demographicRepresentation } from '../../server/src/core/rules/demographic-representation';
import { duplicateExact } from '../../server/src/core/rules/duplicate-exact';
import { duplicateNear } from '../../server/src/core/rules/duplicate-near';
import { labelImbalance } from '../../server/src/core/rules/label-imbalance';
import { roleOrder } from '../../server/src/core/rules/role-order';
import { suspiciousPayload } from '../../server/src/core/rules/suspicious-payload';
import { FIXTURES } from '../helpers/paths';

/** The file rules whose accumulators take kept line values in the editor (`lineValue` + `addValues`). */
const VALUE_FED_RULES: readonly Rule[] = [duplicateExact, duplicateNear, conflictingLabels, roleOrder, labelImbalance, demographicRepresentation, suspiciousPayload];

/** Every fixture of the value-fed rules, with its settings (defaults, then `<name>.settings.json` when present). */
function fixtures(): Array<{ name: string; lines: string[]; settings: Settings }> {
	const found: Array<{ name: string; lines: string[]; settings: Settings }> = [];
	for (const rule of VALUE_FED_RULES) {
		const folder = path.join(FIXTURES, rule.id);
		for (const file of readdirSync(folder).filter((name) => name.endsWith('.jsonl')).sort()) {
			const settingsFile = path.join(folder, file.replace(/\.jsonl$/, '.settings.json'));
			const settings = existsSync(settingsFile)
				? mergeSettings(defaultSettings(), JSON.parse(readFileSync(settingsFile, 'utf8')), new Set(ALL_RULES.map((item) => item.id))).settings
				: defaultSettings();
			found.push({ name: `${rule.id}/${file}`, lines: splitLines(readFileSync(path.join(folder, file), 'utf8')), settings });
		}
	}
	return found;
}

void describe('file rules fed kept line values', () => {
	void it('give the one-off lint\'s findings on every fixture of the value-fed rules, first and after another document', async () => {
		const all = fixtures();
		for (const { name, lines, settings } of all) {
			const oneOff = await lintText(lines.join('\n'), settings, VALUE_FED_RULES);
			const linter = new DocumentLinter(settings, VALUE_FED_RULES);
			assert.deepEqual(await linter.lint(lines), oneOff, `${name}: first editor lint`);
			const other = all.find((item) => item.name !== name)?.lines ?? [];
			await linter.lint([...other, ...lines.slice(0, 3)]);
			assert.deepEqual(await linter.lint(lines), oneOff, `${name}: editor lint after another document`);
		}
	});

	void it('give exactly a fresh lint after every edit of a document mixing the fixtures\' formats', async () => {
		const pool = fixtures().flatMap((fixture) => fixture.lines);
		const base = pool.filter((_, index) => index % 2 === 0);
		const settings = defaultSettings();
		const edit = fc.record({
			at: fc.nat(),
			kind: fc.constantFrom('append-word', 'copy-line', 'remove-line', 'insert-line', 'break-line'),
			word: fc.constantFrom('alpha', 'beta', 'gamma'),
			source: fc.nat(),
		});
		await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 8 }), async (edits) => {
			const linter = new DocumentLinter(settings, VALUE_FED_RULES);
			let lines = [...base];
			await linter.lint(lines);
			for (const { at, kind, word, source } of edits) {
				const index = at % lines.length;
				const other = pool[source % pool.length];
				if (kind === 'append-word') {
					// Into the last string of the record, whatever its format.
					lines = lines.map((line, position) => (position === index ? line.replace(/"(\s*[}\]]+\s*)$/, ` ${word}"$1`) : line));
				} else if (kind === 'copy-line') {
					lines = lines.map((line, position) => (position === index ? other : line));
				} else if (kind === 'remove-line' && lines.length > 2) {
					lines = lines.filter((_, position) => position !== index);
				} else if (kind === 'insert-line') {
					lines = [...lines.slice(0, index), other, ...lines.slice(index)];
				} else {
					lines = lines.map((line, position) => (position === index ? line.slice(0, Math.max(1, Math.floor(line.length / 2))) : line));
				}
				const incremental = await linter.lint(lines);
				const fresh = await new DocumentLinter(settings, VALUE_FED_RULES).lint(lines);
				assert.deepEqual(incremental, fresh);
				assert.deepEqual(incremental, await lintText(lines.join('\n'), settings, VALUE_FED_RULES));
			}
		}), { numRuns: 30 });
	});
});
