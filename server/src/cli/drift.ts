import { parseArgs } from 'node:util';

import { compareProfiles, DEFAULT_DRIFT_THRESHOLDS, type DomainClassifierResult, type DriftReport, type DriftThresholds } from '../core/drift/compare';
import type { DatasetProfile } from '../core/drift/profile';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../training/backend';
import { DEFAULT_DOMAIN_OPTIONS, domainClassifier } from '../training/drift/domainClassifier';
import { loadSettings } from './config';
import { type CliIo, UsageError } from './io';
import { profileFile, readText, snapshotOf } from './stats';

export const DRIFT_USAGE = `Usage: tunelint drift A B [options]

Compares dataset B with dataset A (either may be a "tunelint stats" snapshot): label distribution (PSI, Jensen-
Shannon), length and token counts (Kolmogorov-Smirnov, PSI), vocabulary (Jensen-Shannon of word distributions, the
n-grams that appeared or vanished most), formats and role structure, identity-group representation, and a domain
classifier (the proxy model trained to tell A from B: AUC about 0.5 means no drift). The domain classifier needs
the texts, so it is skipped when a side is a snapshot.

Options:
  --psi X              PSI threshold (default ${DEFAULT_DRIFT_THRESHOLDS.psi}, as in Deepchecks)
  --js X               Jensen-Shannon threshold for labels, formats and roles (default ${DEFAULT_DRIFT_THRESHOLDS.js})
  --ks X               Kolmogorov-Smirnov threshold (default ${DEFAULT_DRIFT_THRESHOLDS.ks}; p < ${DEFAULT_DRIFT_THRESHOLDS.ksPValue} also needed)
  --vocabulary-js X    vocabulary Jensen-Shannon above sampling noise (default ${DEFAULT_DRIFT_THRESHOLDS.vocabularyJs})
  --group-share X      change of a group's share of records (default ${DEFAULT_DRIFT_THRESHOLDS.groupShare})
  --auc X              domain-classifier AUC threshold (default ${DEFAULT_DRIFT_THRESHOLDS.auc})
  --no-domain-classifier   skip the domain classifier (no TensorFlow.js)
  --backend auto|cpu|wasm|node   TensorFlow.js backend for the domain classifier (default auto)
  --seed N             (default ${DEFAULT_DOMAIN_OPTIONS.seed})
  --format text|json   (default text)
  --config FILE        config file (field names; thresholds in its "drift" section, e.g.
                       {"drift": {"psi": 0.25, "auc": 0.8}}, with the flags' names and ksPValue; flags win)

Exit codes: 0 no drift, 1 drift, 2 bad input or usage.`;

/** `tunelint drift`: compares two datasets (or snapshots). */
export async function runDrift(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			psi: { type: 'string' },
			js: { type: 'string' },
			ks: { type: 'string' },
			'vocabulary-js': { type: 'string' },
			'group-share': { type: 'string' },
			auc: { type: 'string' },
			'no-domain-classifier': { type: 'boolean', default: false },
			backend: { type: 'string', default: 'auto' },
			seed: { type: 'string' },
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(DRIFT_USAGE);
		return 0;
	}
	if (positionals.length !== 2) {
		throw new UsageError('drift needs two datasets: A (the reference) and B');
	}
	if (values.format !== 'text' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use text or json)`);
	}
	if (!BACKEND_CHOICES.includes(values.backend as BackendChoice)) {
		throw new UsageError(`unknown --backend "${values.backend}" (use ${BACKEND_CHOICES.join(', ')})`);
	}
	const seed = values.seed === undefined ? DEFAULT_DOMAIN_OPTIONS.seed : Number(values.seed);
	if (!Number.isInteger(seed) || seed < 0) {
		throw new UsageError(`--seed needs a whole number, not "${values.seed}"`);
	}
	const { settings, sections, problems } = await loadSettings(values.config, process.cwd());
	// An entry of the config file that cannot be used is ignored, so say so: a threshold typed wrong is not silently the default.
	problems.forEach((problem) => io.err(`tunelint: ${problem}`));
	// Defaults, then the config file's `drift` section, then flags.
	const configured: DriftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...sections.drift };
	const thresholds: DriftThresholds = {
		...configured,
		psi: share(values.psi, '--psi', configured.psi),
		js: share(values.js, '--js', configured.js),
		ks: share(values.ks, '--ks', configured.ks),
		vocabularyJs: share(values['vocabulary-js'], '--vocabulary-js', configured.vocabularyJs),
		groupShare: share(values['group-share'], '--group-share', configured.groupShare),
		auc: share(values.auc, '--auc', configured.auc),
	};
	const sides = await Promise.all(positionals.map(async (file) => {
		const text = await readText(file);
		const snapshot = snapshotOf(text, file);
		if (snapshot !== undefined) {
			return { profile: snapshot, texts: undefined };
		}
		return profileFile(text, file, settings.fields, io);
	}));
	const [a, b] = sides;
	let domain: DomainClassifierResult | undefined;
	let skippedReason: string | undefined;
	if (values['no-domain-classifier']) {
		skippedReason = 'switched off (--no-domain-classifier)';
	} else if (a.texts === undefined || b.texts === undefined) {
		skippedReason = 'a side is a stats snapshot, which has no texts to train on';
	} else if (a.texts.length < 10 || b.texts.length < 10) {
		skippedReason = 'each side needs at least 10 records';
	} else {
		await selectBackend(values.backend as BackendChoice);
		domain = await domainClassifier(a.texts, b.texts, candidateNgrams(a.profile, b.profile), { ...DEFAULT_DOMAIN_OPTIONS, seed });
	}
	const report = compareProfiles(a.profile, b.profile, thresholds, domain, skippedReason);
	io.out(values.format === 'json' ? JSON.stringify(report, null, 2) : textReport(report));
	return report.drift ? 1 : 0;
}

/** The n-grams the domain classifier is asked about: the most frequent of A and B together. */
function candidateNgrams(a: DatasetProfile, b: DatasetProfile, count = 500): string[] {
	const combined = new Map<string, number>();
	for (const profile of [a, b]) {
		for (const [gram, value] of Object.entries(profile.ngrams)) {
			combined.set(gram, (combined.get(gram) ?? 0) + value / Math.max(1, profile.ngramTotal));
		}
	}
	return [...combined].sort((x, y) => y[1] - x[1]).slice(0, count).map(([gram]) => gram);
}

function textReport(report: DriftReport): string {
	const lines = [`${report.b.file} (${report.b.records} records) against ${report.a.file} (${report.a.records} records)`];
	if (report.labels !== null) {
		lines.push(`  labels      PSI ${report.labels.psi.toFixed(3)}, Jensen-Shannon ${report.labels.js.toFixed(3)}`);
	}
	lines.push(
		`  length      KS ${report.length.ks.toFixed(3)} (p ${report.length.pValue.toExponential(1)}), PSI ${report.length.psi.toFixed(3)}, median ${report.length.medianA} → ${report.length.medianB} characters`,
		`  tokens      KS ${report.tokens.ks.toFixed(3)} (p ${report.tokens.pValue.toExponential(1)}), PSI ${report.tokens.psi.toFixed(3)}, median ${report.tokens.medianA} → ${report.tokens.medianB}`,
		`  vocabulary  Jensen-Shannon ${report.vocabulary.js.toFixed(3)} (sampling alone ${report.vocabulary.baseline.toFixed(3)})`,
		`              appeared: ${report.vocabulary.appeared.slice(0, 8).map((shift) => shift.ngram).join(', ') || '-'}`,
		`              vanished: ${report.vocabulary.vanished.slice(0, 8).map((shift) => shift.ngram).join(', ') || '-'}`,
		`  formats     Jensen-Shannon ${report.format.js.toFixed(3)}; roles ${report.roles.js.toFixed(3)}`,
		`  groups      ${report.groups.changed.length === 0 ? 'no group share changed' : report.groups.changed.map((shift) => `${shift.group} ${(shift.shareA * 100).toFixed(1)} % → ${(shift.shareB * 100).toFixed(1)} %`).join(', ')}`,
		report.domainClassifier === null
			? `  domain classifier skipped: ${report.domainClassifierSkipped ?? ''}`
			: `  domain classifier AUC ${report.domainClassifier.auc.toFixed(3)}; separating: ${report.domainClassifier.topNgrams.slice(0, 8).map((entry) => `${entry.ngram} (${entry.side})`).join(', ')}`,
		'',
		report.drift ? `DRIFT: ${report.signals.join(', ')}` : 'no drift',
		...report.reasons.map((reason) => `  - ${reason}`),
	);
	return lines.join('\n');
}

function share(value: string | undefined, flag: string, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || parsed < 0) {
		throw new UsageError(`${flag} needs a non-negative number, not "${value}"`);
	}
	return parsed;
}
