import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { main } from '../../server/src/cli/main';
import { FIXTURES } from '../helpers/paths';
import { tunelint as bundled } from './cliHarness';

/** One in-process run of the CLI (fast: no bundle, no child process); every run names its config, so none is searched for. */
async function tunelint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const code = await main(args, { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) });
	return { code, stdout, stderr };
}

/** A scratch workspace with a copy of a fixture as data.jsonl and a config file (empty unless given). */
function workspace(fixture: string, config: object = {}): { folder: string; data: string; config: string } {
	const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-fairness-'));
	const data = path.join(folder, 'data.jsonl');
	copyFileSync(path.join(FIXTURES, fixture), data);
	const configFile = path.join(folder, '.tunelintrc.json');
	writeFileSync(configFile, JSON.stringify(config));
	return { folder, data, config: configFile };
}

const GENDER_SKEW = 'fairness-adapters/gender-skew.jsonl';
const withLexicon = (file: string): object => ({ ruleOptions: { 'group-label-association': { lexiconFile: file } } });

void describe('tunelint augment --counterfactual', () => {
	void it('writes the dataset plus copies swapped in both directions to a new file, the input untouched', async () => {
		const { data, config } = workspace(GENDER_SKEW);
		const before = readFileSync(data, 'utf8');
		const run = await tunelint('augment', data, '--counterfactual', '--config', config, '--format', 'json');
		assert.equal(run.code, 0, run.stderr);
		const report = JSON.parse(run.stdout) as { out: string; added: number; skipped: number; pairs: { fromGroup: string; toGroup: string; records: number }[] };
		assert.equal(report.out, path.join(path.dirname(data), 'data.counterfactual.jsonl'));
		assert.deepEqual(report.pairs.map((pair) => `${pair.fromGroup}>${pair.toGroup}:${pair.records}`), ['female>male:30', 'male>female:30']);
		assert.equal(report.added, 60);
		assert.equal(readFileSync(data, 'utf8'), before);
		const written = readFileSync(report.out, 'utf8');
		assert.ok(written.startsWith(before), 'the original records come first, byte for byte');
		const added = written.slice(before.length).trimEnd().split('\n').map((line) => JSON.parse(line) as { text: string; label: string });
		assert.equal(added.length, 60);
		assert.ok(added.some((record) => record.text === 'He asked for loan 0 and his manager replied.' && record.label === 'rejected'));
		assert.ok(added.some((record) => record.text === 'She applied for credit line 29 and her bank replied.' && record.label === 'approved'));
	});

	void it('never overwrites: an existing output is refused (exit 2) unless --force, and the input is never the output', async () => {
		const { data, config } = workspace(GENDER_SKEW);
		const out = path.join(path.dirname(data), 'mine.jsonl');
		writeFileSync(out, 'precious\n');
		const refused = await tunelint('augment', data, '--counterfactual', '--config', config, '--out', out);
		assert.equal(refused.code, 2);
		assert.match(refused.stderr, /already exists.*--force/);
		assert.equal(readFileSync(out, 'utf8'), 'precious\n');
		const forced = await tunelint('augment', data, '--counterfactual', '--config', config, '--out', out, '--force');
		assert.equal(forced.code, 0, forced.stderr);
		assert.notEqual(readFileSync(out, 'utf8'), 'precious\n');
		const onInput = await tunelint('augment', data, '--counterfactual', '--config', config, '--out', data);
		assert.equal(onInput.code, 2);
		assert.match(onInput.stderr, /--out must not name the dataset/);
	});

	void it('with --seed, places the new records among the originals, in their order, the same way each time', async () => {
		const { data, config } = workspace(GENDER_SKEW);
		const originals = readFileSync(data, 'utf8').trimEnd().split('\n');
		const outputs = [];
		for (const name of ['a.jsonl', 'b.jsonl']) {
			const out = path.join(path.dirname(data), name);
			assert.equal((await tunelint('augment', data, '--counterfactual', '--config', config, '--seed', '3', '--out', out)).code, 0);
			outputs.push(readFileSync(out, 'utf8'));
		}
		assert.equal(outputs[0], outputs[1]);
		const lines = outputs[0].trimEnd().split('\n');
		assert.deepEqual(lines.filter((line) => originals.includes(line)), originals);
		assert.notDeepEqual(lines.slice(0, originals.length), originals, 'the new records are not all at the end');
	});

	void it('reports, and writes nothing, when no group of the chosen axis is flagged; refuses an unknown axis or a missing --counterfactual', async () => {
		const { data, config } = workspace(GENDER_SKEW);
		const religion = await tunelint('augment', data, '--counterfactual', '--config', config, '--axis', 'religion');
		assert.equal(religion.code, 0, religion.stderr);
		assert.match(religion.stdout, /nothing to add/);
		assert.equal(existsSync(path.join(path.dirname(data), 'data.counterfactual.jsonl')), false);
		const unknown = await tunelint('augment', data, '--counterfactual', '--config', config, '--axis', 'shoe-size');
		assert.equal(unknown.code, 2);
		assert.match(unknown.stderr, /unknown axis "shoe-size" \(known: .*gender/);
		const bare = await tunelint('augment', data, '--config', config);
		assert.equal(bare.code, 2);
		assert.match(bare.stderr, /--counterfactual/);
	});
});

void describe('the bundled CLI (server/out/cli.js)', () => {
	void it('runs fairness and augment, and lists them in its usage', async () => {
		const { folder, data } = workspace(GENDER_SKEW);
		assert.match((await bundled(['--help'], folder)).stdout, /fairness FILE[\s\S]*augment FILE --counterfactual/);
		assert.match((await bundled(['fairness', data], folder)).stdout, /\| gender\/female \| rejected \|/);
		const augment = await bundled(['augment', data, '--counterfactual'], folder);
		assert.equal(augment.code, 0, augment.stderr);
		assert.equal(readFileSync(path.join(folder, 'data.counterfactual.jsonl'), 'utf8').trimEnd().split('\n').length, 160);
	});
});

void describe('tunelint augment --counterfactual (property)', () => {
	// Records about women lean to "no", so that the audit usually flags a group and the augmentation writes something.
	const record = fc.constantFrom('She said her plan works', 'He said his plan works', 'The muslim neighbours said', 'A christian choir sang', 'Nothing here', 'They met a woman and a man').chain((template) => fc.record({
		template: fc.constant(template),
		noise: fc.string({ maxLength: 12 }),
		label: fc.constantFrom(...(template.startsWith('She') ? ['no', 'no', 'no', 'no', 'yes'] : ['yes', 'yes', 'no'])),
		spaced: fc.boolean(),
	})).map(({ template, noise, label, spaced }) => (spaced ? `{"label": "${label}",  "text": ${JSON.stringify(`${template} ${noise}`)}}` : JSON.stringify({ text: `${template} ${noise}`, label })));
	const junk = fc.string({ maxLength: 20 }).filter((text) => !/[\r\n]/.test(text));

	void it('keeps every original line byte for byte and in order, with or without --seed, and adds only JSON records', async () => {
		await fc.assert(fc.asyncProperty(fc.array(fc.oneof({ weight: 9, arbitrary: record }, { weight: 1, arbitrary: junk }), { minLength: 80, maxLength: 150 }), fc.constantFrom('\n', '\r\n'), fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }), async (lines, eol, seed) => {
			const { data, config } = workspace(GENDER_SKEW);
			const original = lines.length === 0 ? '' : `${lines.join(eol)}${eol}`;
			writeFileSync(data, original);
			const out = `${data}.out`;
			const run = await tunelint('augment', data, '--counterfactual', '--config', config, '--out', out, '--format', 'json', ...(seed === undefined ? [] : ['--seed', String(seed)]));
			assert.equal(run.code, 0, run.stderr);
			const report = JSON.parse(run.stdout) as { added: number };
			assert.equal(readFileSync(data, 'utf8'), original);
			if (report.added === 0) {
				assert.equal(existsSync(out), false);
				return;
			}
			const written = readFileSync(out, 'utf8');
			assert.ok(written.endsWith(eol));
			const writtenLines = written.slice(0, -eol.length).split(eol);
			assert.equal(writtenLines.length, lines.length + report.added);
			if (seed === undefined) {
				assert.ok(written.startsWith(original));
			}
			// The originals form a subsequence of the output (a greedy match finds it when one exists).
			let next = 0;
			const added = writtenLines.filter((line) => (next < lines.length && line === lines[next] ? (next++, false) : true));
			assert.equal(next, lines.length);
			assert.ok(added.every((line) => typeof JSON.parse(line) === 'object'));
		}), { numRuns: 30 });
	});
});

void describe('lexiconFile in .tunelintrc.json (CLI)', () => {
	void it('is read relative to the config file and changes the findings', async () => {
		const plain = workspace('group-label-association/user-lexicon.jsonl');
		const without = await tunelint('check', plain.data, '--config', plain.config, '--category', 'fairness', '--format', 'json');
		assert.doesNotMatch(without.stdout, /zoroastrian/);
		const extended = workspace('group-label-association/user-lexicon.jsonl', withLexicon('lexicons/extra.json'));
		const lexicons = path.join(extended.folder, 'lexicons');
		mkdirSync(lexicons);
		copyFileSync(path.join(FIXTURES, 'fairness-adapters/extra-terms.json'), path.join(lexicons, 'extra.json'));
		const withIt = await tunelint('check', extended.data, '--config', extended.config, '--category', 'fairness', '--format', 'json');
		const findings = JSON.parse(withIt.stdout) as { ruleId: string; message: string }[];
		assert.ok(findings.some((finding) => finding.ruleId === 'group-label-association' && finding.message.includes('"zoroastrian"')), withIt.stdout);
		const fairness = await tunelint('fairness', extended.data, '--config', extended.config);
		assert.equal(fairness.code, 0, fairness.stderr);
		assert.match(fairness.stdout, /\| religion\/zoroastrian \| toxic \|/);
	});

	void it('a malformed lexicon: check and fairness warn naming the file and keep the built-in lexicon; augment refuses (exit 2)', async () => {
		const { data, config, folder } = workspace(GENDER_SKEW, withLexicon('broken.json'));
		writeFileSync(path.join(folder, 'broken.json'), '{"axes": [');
		const check = await tunelint('check', data, '--config', config, '--category', 'fairness', '--format', 'json');
		const findings = JSON.parse(check.stdout) as { ruleId: string; message: string }[];
		assert.ok(findings.some((finding) => /broken\.json/.test(finding.message)), check.stdout);
		assert.ok(findings.some((finding) => finding.ruleId === 'group-label-association' && finding.message.includes('"female"')), 'the built-in lexicon stays in force');
		const fairness = await tunelint('fairness', data, '--config', config, '--format', 'json');
		assert.equal(fairness.code, 0);
		assert.match(fairness.stderr, /broken\.json/);
		const augment = await tunelint('augment', data, '--counterfactual', '--config', config);
		assert.equal(augment.code, 2);
		assert.match(augment.stderr, /broken\.json.*before augmenting/);
		assert.equal(existsSync(path.join(folder, 'data.counterfactual.jsonl')), false);
	});

	void it('a missing lexicon file is named; a path outside the workspace is refused with exit 2', async () => {
		const missing = workspace(GENDER_SKEW, withLexicon('nowhere.json'));
		const augment = await tunelint('augment', missing.data, '--counterfactual', '--config', missing.config);
		assert.equal(augment.code, 2);
		assert.match(augment.stderr, /nowhere\.json.*cannot be read/);
		const outside = workspace(GENDER_SKEW, withLexicon('../elsewhere/terms.json'));
		for (const command of [['check', outside.data], ['fairness', outside.data], ['augment', outside.data, '--counterfactual']]) {
			const run = await tunelint(...command, '--config', outside.config);
			assert.equal(run.code, 2, command[0]);
			assert.match(run.stderr, /lexicon file "\.\.\/elsewhere\/terms\.json" resolves to .*, outside the workspace/);
		}
	});
});

void describe('tunelint rebalance --group-axis with the user lexicon', () => {
	void it('reweighs by (group, label) with the groups of the lexicon named in the config', async () => {
		const extended = workspace('group-label-association/user-lexicon.jsonl', withLexicon('extra.json'));
		copyFileSync(path.join(FIXTURES, 'fairness-adapters/extra-terms.json'), path.join(extended.folder, 'extra.json'));
		const run = await tunelint('rebalance', extended.data, '--strategy', 'reweigh', '--group-axis', 'religion', '--config', extended.config, '--format', 'json');
		assert.equal(run.code, 0, run.stderr);
		const weights = readFileSync((JSON.parse(run.stdout) as { out: string }).out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { group?: string; label: string; weight: number });
		const zoroastrianToxic = weights.filter((weight) => weight.group === 'zoroastrian' && weight.label === 'toxic');
		assert.ok(zoroastrianToxic.length > 0, 'the user lexicon group is used');
		// The group is over-associated with "toxic", so Reweighing gives those records less than unit weight.
		assert.ok(zoroastrianToxic.every((weight) => weight.weight < 1), JSON.stringify(zoroastrianToxic[0]));
		const plain = workspace('group-label-association/user-lexicon.jsonl');
		const without = await tunelint('rebalance', plain.data, '--strategy', 'reweigh', '--group-axis', 'religion', '--config', plain.config, '--format', 'json');
		assert.doesNotMatch(readFileSync((JSON.parse(without.stdout) as { out: string }).out, 'utf8'), /zoroastrian/);
	});
});

void describe('tunelint fairness', () => {
	void it('prints the group × label table as Markdown or the audit as JSON', async () => {
		const { data, config } = workspace('group-label-association/bad.jsonl');
		const markdown = await tunelint('fairness', data, '--config', config);
		assert.equal(markdown.code, 0, markdown.stderr);
		assert.match(markdown.stdout, /^# Demographic audit/);
		assert.match(markdown.stdout, /\| religion\/muslim \| toxic \| 30 \|.*\*\*yes\*\*/);
		const json = await tunelint('fairness', data, '--config', config, '--format', 'json');
		const audit = JSON.parse(json.stdout) as { records: number; association: { rows: { group: string; label: string; significant: boolean }[] } };
		assert.equal(audit.records, 135);
		assert.ok(audit.association.rows.some((row) => row.group === 'muslim' && row.label === 'toxic' && row.significant));
		assert.equal((await tunelint('fairness', data, '--config', config, '--format', 'html')).code, 2);
	});
});
