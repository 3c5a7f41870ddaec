import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { SHARED_DATASETS, SKIP_WITHOUT_DATASETS } from '../helpers/paths';
import { jsonFindings, scratchFolder, tunelint } from './cliHarness';

/**
 * The CLI on real public datasets (../shared/datasets, see its MANIFEST.md): the defects they are known to carry
 * are found, with the format rules only. Skipped when the datasets are not beside the repository.
 */
const skip = SKIP_WITHOUT_DATASETS;
const dataset = (name: string): string => path.join(SHARED_DATASETS ?? '', name);
const cwd = scratchFolder();
after(() => rmSync(cwd, { recursive: true, force: true }));

void describe('tunelint check on real datasets', { concurrency: true }, () => {
	void it('the OpenAI cookbook toy chat file: a missing user turn, a missing system message, a very long record, too few examples', { skip }, async () => {
		const run = await tunelint(['check', dataset('instruct/openai_cookbook_toy_chat_fine_tuning.jsonl'), '--category', 'format', '--format', 'json'], cwd);
		const findings = jsonFindings(run).map((finding) => [finding.line, finding.ruleId, finding.severity, finding.scope]);
		assert.deepEqual(findings, [
			[1, 'too-few-examples', 'error', 'file'],
			[3, 'role-order', 'info', 'line'], // no system message, while the other four have one
			[4, 'role-order', 'error', 'line'], // system then assistant: no user turn
			[5, 'token-limit', 'info', 'line'], // the 26 KB repeated answer
		]);
		assert.equal(run.code, 1);
	});

	void it('the LLaMA-Factory identity file: every unfilled {{name}} and {{author}}', { skip }, async () => {
		const file = dataset('instruct/llamafactory_identity_templated.jsonl');
		const run = await tunelint(['check', file, '--category', 'format', '--format', 'json'], cwd);
		const placeholders = jsonFindings(run).filter((finding) => finding.ruleId === 'template-placeholder');
		const expected = (readFileSync(file, 'utf8').match(/\{\{(?:name|author)\}\}/g) ?? []).length;
		assert.equal(placeholders.length, expected);
		assert.ok(expected > 100);
		assert.deepEqual([...new Set(placeholders.map((finding) => finding.data.placeholder))].sort(), ['{{author}}', '{{name}}']);
	});

	void it('detects the format of each training file', { skip }, async () => {
		const expected: Record<string, string> = {
			'instruct/llamafactory_alpaca_en_demo.jsonl': 'alpaca',
			'instruct/fastchat_dummy_conversation.sharegpt.jsonl': 'sharegpt',
			'instruct/llamafactory_glaive_toolcall_en_demo.sharegpt.jsonl': 'sharegpt',
			'instruct/llamafactory_v1_sft_demo.messages.jsonl': 'openai-chat',
			'preference/llamafactory_dpo_en_demo.sharegpt.jsonl': 'sharegpt-preference',
			'preference/llamafactory_kto_en_demo.jsonl': 'unpaired-preference',
			'preference/hh_rlhf_harmless_base_test.prompt_chosen_rejected.jsonl': 'trl-preference',
			'classification/sst2_dev.jsonl': 'classification',
		};
		const files = Object.keys(expected);
		const run = await tunelint(['check', ...files.map(dataset), '--category', 'format'], cwd);
		const detected = Object.fromEntries([...run.stdout.matchAll(/^(\S+)\s+\d+ records, (\S+), \d+ ms$/gm)].map((match) => [path.relative(SHARED_DATASETS ?? '', match[1]), match[2]]));
		assert.deepEqual(detected, expected);
	});
});
