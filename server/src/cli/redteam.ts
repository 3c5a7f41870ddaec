import { parseArgs } from 'node:util';
import { lintLines } from '../core';
import { RED_TEAM_ATTACKS, redTeam, redTeamRecall, type RedTeamAttack } from '../core/poisoning/redteamFile';
import { siblingPath, TargetExistsError, writeNewFile } from '../node/safeWrite';
import { loadSettings } from './config';
import { joinLines, readDataset } from './datasetFile';
import { UsageError, type CliIo, warnAboutConfig } from './io';
import { integer, single } from './rebalance';

export const REDTEAM_USAGE = `Usage: tunelint redteam FILE --attack ATTACK [options]

Simulates an attack to test the defences: writes a poisoned copy of FILE (FILE is never modified) and a ground-truth
file of what was planted, lints the copy and prints the recall of each rule on the planted records.

Attacks:
  rare-token   dirty-label backdoor: a random rare token in the input, the label (or answer) set to the target
  phrase       the same with a random multi-word trigger phrase
  unicode      invisible Unicode tag characters (with bidi or zero-width characters) smuggled into the text
  injection    paraphrased prompt-injection sentences appended to the input

Options:
  --attack ATTACK       one of ${RED_TEAM_ATTACKS.join(', ')} (required)
  --rate R              share of the records to poison, between 0 and 1 (default 0.01)
  --target LABEL        label or answer the trigger attacks teach (default: a random label, or a link answer)
  --seed N              seed of the random choices (default 1)
  --out FILE            the poisoned copy (default FILE.redteam.jsonl)
  --truth FILE          the ground truth, one JSON line per planted record (default OUT.planted.jsonl)
  --force               replace existing --out and --truth files
  --format text|json    the report's format (default text)
  --config FILE         use this config file instead of the nearest .tunelintrc.json`;

/** `tunelint redteam`: plants the attack in a new file, writes the ground truth, lints the copy, reports recall per rule. */
export async function runRedTeam(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			attack: { type: 'string' },
			rate: { type: 'string', default: '0.01' },
			target: { type: 'string' },
			seed: { type: 'string', default: '1' },
			out: { type: 'string' },
			truth: { type: 'string' },
			force: { type: 'boolean', default: false },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(REDTEAM_USAGE);
		return 0;
	}
	const attack = values.attack as RedTeamAttack;
	if (!RED_TEAM_ATTACKS.includes(attack)) {
		throw new UsageError(`--attack must be one of ${RED_TEAM_ATTACKS.join(', ')}${values.attack === undefined ? '' : `, got "${values.attack}"`}`);
	}
	const rate = Number(values.rate);
	if (!(rate > 0 && rate <= 1)) {
		throw new UsageError(`--rate must be a number above 0 and at most 1, got "${values.rate}"`);
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`--format must be text or json, got "${values.format}"`);
	}
	const seed = integer(values.seed, '--seed');
	const file = single(positionals);
	const out = values.out ?? siblingPath(file, 'redteam');
	const truth = values.truth ?? siblingPath(out, 'planted');
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	warnAboutConfig(problems, io);
	const dataset = await readDataset(file);
	const result = redTeam(dataset.lines, settings, { attack, rate, target: values.target, seed });
	if (result.planted.length === 0) {
		io.err(`tunelint: ${file}: no record can carry the ${attack} attack (${result.eligible} eligible records of a supported format); nothing written`);
		return 2;
	}
	try {
		await writeNewFile(out, joinLines(result.lines, dataset.eol), { overwrite: values.force, inputs: [file] });
		await writeNewFile(truth, joinLines(result.planted.map((item) => JSON.stringify({ line: item.line + 1, attack: item.attack, payload: item.payload })), '\n'), { overwrite: values.force, inputs: [file, out] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		throw error;
	}
	// Recall needs every finding on the planted lines, so the editor's cap on the number of problems does not apply here.
	const lint = await lintLines(result.lines, { ...settings, maxProblems: Number.MAX_SAFE_INTEGER }, { yieldControl: () => new Promise(setImmediate) });
	const recall = redTeamRecall(lint.findings, result.planted);
	const expected = result.expectedRules.map((ruleId) => recall.find((item) => item.ruleId === ruleId) ?? { ruleId, found: 0, planted: result.planted.length, recall: 0 });
	const report = {
		file,
		out,
		truth,
		attack,
		rate,
		seed,
		eligible: result.eligible,
		planted: result.planted.map((item) => ({ line: item.line + 1, payload: item.payload })),
		expectedRules: expected,
		recall,
	};
	if (values.format === 'json') {
		io.out(JSON.stringify(report, null, 2));
	} else {
		const payloads = [...new Set(result.planted.map((item) => item.payload))];
		io.out([
			`${attack}: planted ${result.planted.length} of ${result.eligible} eligible records in ${out} (ground truth: ${truth})`,
			`  payload${payloads.length === 1 ? '' : 's'}: ${payloads.slice(0, 5).map((payload) => JSON.stringify(payload)).join(', ')}${payloads.length > 5 ? ', …' : ''}`,
			'  recall of the rules meant to catch it:',
			...expected.map((item) => `    ${item.ruleId}: ${item.found}/${item.planted} (${item.recall.toFixed(2)})`),
			...(recall.some((item) => !result.expectedRules.includes(item.ruleId)) ? ['  other rules on the planted lines:'] : []),
			...recall.filter((item) => !result.expectedRules.includes(item.ruleId)).map((item) => `    ${item.ruleId}: ${item.found}/${item.planted} (${item.recall.toFixed(2)})`),
		].join('\n'));
	}
	return 0;
}
