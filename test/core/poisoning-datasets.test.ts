import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { defaultSettings, lintText, ruleById, type Finding, type Rule } from '../../server/src/core';
import { seededRandom, sampleIndices } from '../../server/src/core/poisoning/random';
import { injectionParaphrase, plantRareToken } from '../../server/src/core/poisoning/redteam';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';

function lines(relative: string): string[] {
	return readFileSync(path.join(SHARED_DATASETS as string, relative), 'utf8').split('\n').filter((line) => line !== '');
}

async function findings(input: readonly string[], ruleId: string): Promise<Finding[]> {
	const settings = defaultSettings();
	settings.maxProblems = 1_000_000;
	return (await lintText(input.join('\n'), settings, [ruleById(ruleId) as Rule])).findings;
}

function flagged(all: readonly Finding[]): Set<number> {
	return new Set(all.filter((f) => f.scope === 'line').map((f) => f.range.line));
}

void describe('poisoning rules on the real datasets', { skip: SKIP_WITHOUT_DATASETS }, () => {
	for (const [file, target] of [['classification/sst2_train.jsonl', 1], ['classification/agnews_test.jsonl', 0]] as const) {
		void it(`trigger-candidate: nothing on clean ${file}, the planted rare token at 1% with recall >= 0.95`, async () => {
			const clean = lines(file);
			assert.deepEqual(await findings(clean, 'trigger-candidate'), []);
			const records = clean.map((line) => JSON.parse(line) as { text: string; label: number });
			const attack = plantRareToken(records.map((r) => ({ text: r.text, label: String(r.label) })), { rate: 0.01, target: String(target), seed: 17 });
			const poisoned = attack.records.map((r) => JSON.stringify({ text: r.text, label: Number(r.label) }));
			const found = flagged(await findings(poisoned, 'trigger-candidate'));
			const recall = attack.planted.filter((line) => found.has(line)).length / attack.planted.length;
			assert.ok(recall >= 0.95, `recall ${recall} for trigger "${attack.trigger}"`);
		});
	}

	void it('prompt-injection: paraphrases appended to 3% of a clean instruction file found with recall >= 0.8, at most 1% of clean lines flagged', async () => {
		const clean = lines('instruct/alpaca_data_cleaned_first1000.jsonl');
		const cleanFlagged = flagged(await findings(clean, 'prompt-injection'));
		assert.ok(cleanFlagged.size <= clean.length * 0.01, `${cleanFlagged.size} clean lines flagged`);
		const random = seededRandom(99);
		const chosen = sampleIndices(random, clean.length, Math.round(clean.length * 0.03));
		const poisoned = [...clean];
		for (const index of chosen) {
			const record = JSON.parse(clean[index]) as { input: string };
			poisoned[index] = JSON.stringify({ ...record, input: `${record.input} ${injectionParaphrase(random)}`.trim() });
		}
		const found = flagged(await findings(poisoned, 'prompt-injection'));
		const recall = chosen.filter((line) => found.has(line)).length / chosen.length;
		assert.ok(recall >= 0.8, `recall ${recall}`);
	});

	void it('HiddenKiller: the syntactic backdoor has no lexical trigger, and trigger-candidate reports none (documented limit)', async () => {
		const rows = lines('poison/hiddenkiller_sst2_scpn20_train.jsonl').map((line) => JSON.parse(line) as { text: string; label: number });
		// The ground-truth field never reaches the linter.
		const input = rows.map((row) => JSON.stringify({ text: row.text, label: row.label }));
		assert.deepEqual(await findings(input, 'trigger-candidate'), []);
	});
});
