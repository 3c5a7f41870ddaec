import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/core';
import { checkFixture } from '../helpers/golden';
import { FIXTURES } from '../helpers/paths';

/**
 * Every rule has a fixture folder test-fixtures/<rule-id>/ with bad.jsonl (the rule fires: its expected file is
 * not empty) and good.jsonl (a tricky negative: the rule stays silent). Further cases in the folder
 * (<name>.jsonl with <name>.expected.json) are checked the same way.
 */
void describe('golden fixtures', () => {
	for (const rule of ALL_RULES) {
		void describe(rule.id, () => {
			const folder = path.join(FIXTURES, rule.id);
			void it('has a bad and a good fixture', () => {
				assert.ok(existsSync(path.join(folder, 'bad.jsonl')), `missing test-fixtures/${rule.id}/bad.jsonl`);
				assert.ok(existsSync(path.join(folder, 'good.jsonl')), `missing test-fixtures/${rule.id}/good.jsonl`);
			});
			void it('fires on bad.jsonl', async () => {
				const findings = await checkFixture(rule.id, 'bad');
				assert.ok(findings.length > 0, `${rule.id} found nothing in bad.jsonl`);
			});
			void it('stays silent on good.jsonl', async () => {
				const findings = await checkFixture(rule.id, 'good');
				assert.deepEqual(findings, [], `${rule.id} fired on good.jsonl`);
			});
			const extra = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.jsonl') && !['bad.jsonl', 'good.jsonl'].includes(name)) : [];
			for (const name of extra) {
				void it(`matches ${name.replace(/\.jsonl$/, '.expected.json')}`, async () => {
					await checkFixture(rule.id, name.replace(/\.jsonl$/, ''));
				});
			}
		});
	}
});
