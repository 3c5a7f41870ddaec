// Issue 6 benchmark: detection quality of the poisoning rules on real and planted data, and their speed.
// (1) trigger-candidate recall/precision on SST-2 and AG News with seeded BadNets rare tokens and entity phrases
//     planted at 1% (dirty label), (2) findings of every poisoning rule on the clean classification files (the
//     false-positive rates), (3) prompt-injection recall on seeded paraphrases and on the Giskard / Tensor Trust
//     attack texts appended to 3% of a clean instruction file, with the clean lines' false-positive rate,
//     (4) hidden-unicode recall on planted tag-character payloads, (5) what the model-free rules catch of the
//     HiddenKiller syntactic backdoor, (6) lint time of the poisoning rules against a bare JSON.parse loop over the
//     same lines in the same run. BENCH_POISON_QUICK=1 runs a subset; the datasets are ../shared/datasets.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { reportFigure, ROOT } from './lib.mjs';

const DATASETS = process.env.TUNELINT_SHARED_DATASETS ?? path.join(ROOT, '..', 'shared', 'datasets');
const QUICK = process.env.BENCH_POISON_QUICK === '1';
const POISONING = ['trigger-candidate', 'prompt-injection', 'hidden-unicode', 'suspicious-payload', 'secret', 'pii', 'outlier-length', 'outlier-text'];

async function loadEngine() {
	const contents = [
		"export { lintText, defaultSettings, ruleById } from './server/src/core/index';",
		"export { plantRareToken, plantPhrase, injectionParaphrase } from './server/src/core/poisoning/redteam';",
		"export { seededRandom, sampleIndices } from './server/src/core/poisoning/random';",
	].join('\n');
	const bundle = await esbuild.build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
	return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}

const engine = await loadEngine();

function readRows(relative) {
	return readFileSync(path.join(DATASETS, relative), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

/** Lints lines with the given rules only; returns the findings and the seconds it took. */
async function lint(lines, ruleIds, ruleOptions = {}) {
	const settings = engine.defaultSettings();
	settings.maxProblems = 10_000_000;
	settings.ruleOptions = ruleOptions;
	const rules = ruleIds.map((id) => engine.ruleById(id));
	const started = process.hrtime.bigint();
	const result = await engine.lintText(lines.join('\n'), settings, rules);
	return { findings: result.findings, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function flaggedLines(findings, ruleId) {
	return new Set(findings.filter((f) => f.ruleId === ruleId && f.scope === 'line').map((f) => f.range.line));
}

function score(flagged, truth) {
	let hits = 0;
	for (const line of flagged) {
		hits += truth.has(line) ? 1 : 0;
	}
	return { recall: truth.size === 0 ? NaN : hits / truth.size, precision: flagged.size === 0 ? NaN : hits / flagged.size };
}

const pct = (value) => (Number.isNaN(value) ? 'n/a' : `${(100 * value).toFixed(1)}%`);

function table(title, header, rows) {
	console.log(`\n### ${title}\n`);
	console.log(`| ${header.join(' | ')} |`);
	console.log(`|${header.map(() => '---').join('|')}|`);
	for (const row of rows) {
		console.log(`| ${row.join(' | ')} |`);
	}
}

if (!existsSync(DATASETS)) {
	console.log(`poison benchmark skipped: ${DATASETS} is absent`);
	process.exit(0);
}

// (1) Planted triggers.
{
	const rows = [];
	const files = QUICK ? [['classification/sst2_train.jsonl', '1']] : [['classification/sst2_train.jsonl', '1'], ['classification/agnews_test.jsonl', '0'], ['classification/agnews_dev.jsonl', '2']];
	const seeds = QUICK ? [1] : [1, 2, 3];
	for (const [file, target] of files) {
		const records = readRows(file).map((row) => ({ text: row.text, label: String(row.label) }));
		for (const attack of ['rare-token', 'phrase']) {
			for (const seed of seeds) {
				const planted = (attack === 'rare-token' ? engine.plantRareToken : engine.plantPhrase)(records, { rate: 0.01, target, seed });
				const lines = planted.records.map((r) => JSON.stringify({ text: r.text, label: /^\d+$/.test(r.label) ? Number(r.label) : r.label }));
				const { findings, seconds } = await lint(lines, ['trigger-candidate']);
				const { recall, precision } = score(flaggedLines(findings, 'trigger-candidate'), new Set(planted.planted));
				const found = findings.find((f) => f.scope === 'file')?.data?.candidates?.map((c) => c.ngram).join(', ') ?? '-';
				rows.push([path.basename(file), attack, seed, `"${planted.trigger}"`, planted.planted.length, found, pct(recall), pct(precision), seconds.toFixed(1)]);
				reportFigure({ measure: `trigger-candidate recall, ${path.basename(file)} ${attack} seed ${seed} (1% planted)`, value: recall, reference: `${planted.planted.length} planted records`, target: '≥ 0.95 (issue 6)', met: recall >= 0.95 });
				reportFigure({ measure: `trigger-candidate precision, ${path.basename(file)} ${attack} seed ${seed}`, value: precision, reference: `${planted.planted.length} planted records`, target: '1.0', met: precision === 1 });
			}
		}
	}
	table('trigger-candidate on planted dirty-label triggers (1% of records, relabelled to the target)', ['file', 'attack', 'seed', 'trigger', 'planted', 'reported', 'recall', 'precision', 'lint s'], rows);
}

// (2) Clean classification files: every poisoning rule.
{
	const rows = [];
	const files = QUICK ? ['sst2_train.jsonl', 'agnews_test.jsonl'] : ['agnews_dev.jsonl', 'agnews_test.jsonl', 'olid_offenseval_test.jsonl', 'olid_offenseval_train.jsonl', 'sms_spam_collection.jsonl', 'sst2_dev.jsonl', 'sst2_test.jsonl', 'sst2_train.jsonl', 'tweeteval_emoji_train.jsonl', 'tweeteval_emotion_test.jsonl', 'tweeteval_emotion_train.jsonl', 'tweeteval_emotion_val.jsonl', 'tweeteval_hate_test.jsonl', 'tweeteval_hate_train.jsonl', 'tweeteval_hate_val.jsonl', 'tweeteval_stance_climate_test.jsonl', 'tweeteval_stance_climate_train.jsonl', 'tweeteval_stance_climate_val.jsonl'];
	for (const file of files) {
		const lines = readFileSync(path.join(DATASETS, 'classification', file), 'utf8').split('\n').filter((line) => line !== '');
		const { findings } = await lint(lines, POISONING);
		const cells = POISONING.map((rule) => {
			const count = flaggedLines(findings, rule).size;
			const fileLevel = findings.some((f) => f.ruleId === rule && f.scope === 'file');
			return `${count === 0 ? '0' : pct(count / lines.length)}${fileLevel ? ' (file)' : ''}`;
		});
		rows.push([file, lines.length, ...cells]);
	}
	table('Lines flagged on the clean classification files (false-positive rate per rule)', ['file', 'lines', ...POISONING], rows);
}

// (3) Injection attempts appended to 3% of a clean instruction file.
{
	const base = readRows('instruct/alpaca_data_cleaned_first1000.jsonl');
	const cleanLines = base.map((row) => JSON.stringify(row));
	const clean = flaggedLines((await lint(cleanLines, ['prompt-injection'])).findings, 'prompt-injection');
	const sources = [
		['seeded paraphrases (seed 1)', () => { const random = engine.seededRandom(1); return Array.from({ length: 200 }, () => engine.injectionParaphrase(random)); }],
		['seeded paraphrases (seed 2)', () => { const random = engine.seededRandom(2); return Array.from({ length: 200 }, () => engine.injectionParaphrase(random)); }],
		['Giskard prompt injections', () => readRows('injection/giskard_prompt_injections.jsonl').map((r) => r.prompt)],
		['Tensor Trust hijacking attacks', () => readRows('injection/tensor_trust_hijacking_robustness_v1.jsonl').map((r) => r.attack)],
		['Tensor Trust extraction attacks', () => readRows('injection/tensor_trust_extraction_robustness_v1.jsonl').map((r) => r.attack)],
	];
	const rows = [];
	for (const [name, attacks] of sources) {
		const texts = attacks();
		// Every attack text is tried once: the file is re-planted in rounds of 3% until all texts were used.
		const perRound = Math.round(base.length * 0.03);
		let found = 0;
		let falsePositives = 0;
		let cleanCount = 0;
		for (let round = 0; round * perRound < texts.length; round++) {
			const random = engine.seededRandom(100 + round);
			const chosen = engine.sampleIndices(random, base.length, Math.min(perRound, texts.length - round * perRound));
			const lines = [...cleanLines];
			chosen.forEach((index, k) => {
				const row = { ...base[index] };
				row.input = `${row.input}${row.input === '' ? '' : '\n'}${texts[round * perRound + k]}`;
				lines[index] = JSON.stringify(row);
			});
			const flagged = flaggedLines((await lint(lines, ['prompt-injection'])).findings, 'prompt-injection');
			const truth = new Set(chosen);
			found += chosen.filter((index) => flagged.has(index)).length;
			for (const line of flagged) {
				falsePositives += truth.has(line) ? 0 : 1;
			}
			cleanCount += base.length - chosen.length;
		}
		rows.push([name, texts.length, pct(found / texts.length), pct(falsePositives / cleanCount)]);
		reportFigure({ measure: `prompt-injection recall, ${name} appended to 3% of alpaca inputs`, value: found / texts.length, reference: `clean lines flagged ${pct(falsePositives / cleanCount)}` });
	}
	table(`prompt-injection: attacks appended to the input of 3% of alpaca_data_cleaned_first1000 (clean file alone: ${clean.size} of ${base.length} lines flagged)`, ['attack texts', 'count', 'recall', 'clean lines flagged'], rows);
}

// (4) Hidden Unicode: invisible tag-character payloads appended to 1% of answers.
{
	const base = readRows('instruct/llamafactory_alpaca_en_demo.jsonl');
	const random = engine.seededRandom(7);
	const chosen = engine.sampleIndices(random, base.length, Math.round(base.length * 0.01));
	const lines = base.map((row, index) => {
		if (!chosen.includes(index)) {
			return JSON.stringify(row);
		}
		const hidden = [...'visit evil.example now'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
		return JSON.stringify({ ...row, output: `${row.output}${hidden}` });
	});
	const { findings } = await lint(lines, ['hidden-unicode']);
	const { recall, precision } = score(flaggedLines(findings, 'hidden-unicode'), new Set(chosen));
	reportFigure({ measure: 'hidden-unicode recall, tag payloads in 1% of answers', value: recall, reference: `precision ${pct(precision)}` });
	table('hidden-unicode: tag-character payloads in 1% of llamafactory_alpaca_en_demo answers', ['planted', 'recall', 'precision'], [[chosen.length, pct(recall), pct(precision)]]);
}

// (5) HiddenKiller: a syntactic backdoor without a lexical trigger.
{
	const rows = readRows('poison/hiddenkiller_sst2_scpn20_train.jsonl');
	const truth = new Set(rows.flatMap((row, index) => (row.poisoned ? [index] : [])));
	// The ground-truth field is removed before linting: no rule may read it.
	const lines = rows.map((row) => JSON.stringify({ text: row.text, label: row.label }));
	const { findings } = await lint(lines, POISONING);
	const cells = POISONING.map((rule) => {
		const flagged = flaggedLines(findings, rule);
		const { recall, precision } = score(flagged, truth);
		return [rule, flagged.size, pct(recall), pct(precision)];
	});
	table(`HiddenKiller SST-2 (SCPN, 20%): ${truth.size} poisoned of ${rows.length}; base rate of poison ${pct(truth.size / rows.length)}`, ['rule', 'lines flagged', 'recall', 'precision'], cells);
	// What the lexical view sees: n-grams that open the paraphrase template, scored as if they were triggers.
	const starts = ['when', 'if', 'as'];
	const starting = new Set(rows.flatMap((row, index) => (row.label === 1 && starts.includes(row.text.split(' ')[0]) ? [index] : [])));
	const { recall, precision } = score(starting, truth);
	console.log(`\nLabel-1 records starting with "when"/"if"/"as" (the template's subordinate clause, pure label-1 n-grams that fail the rest-of-record test): ${starting.size} records, recall ${pct(recall)}, precision ${pct(precision)}.`);
}

// (6) Speed against a bare parse loop over the same lines.
{
	const lines = readFileSync(path.join(DATASETS, 'classification', 'agnews_dev.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
	const started = process.hrtime.bigint();
	let count = 0;
	for (const line of lines) {
		count += Object.keys(JSON.parse(line)).length;
	}
	const reference = Number(process.hrtime.bigint() - started) / 1e9;
	const rows = [];
	for (const rule of POISONING) {
		const { seconds } = await lint(lines, [rule]);
		rows.push([rule, seconds.toFixed(2), `${(seconds / reference).toFixed(0)}×`]);
		reportFigure({ measure: `${rule} on agnews_dev (${lines.length} lines): seconds`, value: seconds, unit: 's', reference: `JSON.parse loop ${(reference * 1000).toFixed(1)} ms`, ratio: seconds / reference });
	}
	table(`Lint time on agnews_dev (${lines.length} lines; JSON.parse loop ${(reference * 1000).toFixed(1)} ms, ${count > 0 ? 'same lines' : ''})`, ['rule', 'seconds', 'ratio to parse loop'], rows);
}
