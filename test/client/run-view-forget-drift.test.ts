/**
 * The run view's models of `tunelint forget` and `tunelint drift` results (client/src/runView/forgetModel.ts and
 * driftModel.ts): the forgetting table and its trade-off chart, and the drift verdict with every figure beside its
 * threshold. The drift contract is checked against reports the engine itself makes (compareProfiles), so a figure the
 * view calls "drift" is one the CLI flagged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../server/src/core';
import { compareProfiles, DEFAULT_DRIFT_THRESHOLDS, type DriftReport, profileDataset } from '../../server/src/core/drift';
import { DEFAULT_FORGET_OPTIONS, type ForgetReport, probeForgetting } from '../../server/src/training/forget/probe';
import { PHONE_TOPICS, sample } from '../core/driftData';
import { type DetailModel, type DriftModelModule, type ForgetModelModule, loadRunViewModule } from './runViewModules';

const forget = loadRunViewModule<ForgetModelModule>('forgetModel.ts');
const drift = loadRunViewModule<DriftModelModule>('driftModel.ts');

const FORGET_REPORT: ForgetReport = {
	base: { file: 'sst2.jsonl', before: 0.8, labels: ['negative', 'positive'] },
	target: { file: 'hate.jsonl', labels: ['hate', 'not-hate'] },
	rows: [
		{ method: 'plain', params: {}, retention: 0.7, baseAfter: 0.56, newTask: 0.75 },
		{ method: 'replay', params: { share: 1 }, retention: 0.95, baseAfter: 0.76, newTask: 0.72 },
		{ method: 'replay', params: { share: 0.1 }, retention: 0.8, baseAfter: 0.64, newTask: 0.74 },
		{ method: 'l2-sp', params: { strength: 0.01 }, retention: 0.75, baseAfter: 0.6, newTask: 0.7 },
		{ method: 'ewc', params: { strength: 0.05 }, retention: 0.9, baseAfter: 0.72, newTask: 0.73 },
		{ method: 'distillation', params: { temperature: 2 }, retention: 0.85, baseAfter: 0.68, newTask: 0.71 },
	],
	seed: 42,
};

function table(detail: DetailModel, id: string): DetailModel['tables'][number] {
	const found = detail.tables.find((candidate) => candidate.id === id);
	assert.ok(found, `no table #${id} among ${detail.tables.map((candidate) => candidate.id).join(', ')}`);
	return found;
}

function fact(detail: DetailModel, name: string): string | undefined {
	return detail.facts.find((candidate) => candidate.name === name)?.value;
}

void describe('run view model: forgetting probe', () => {
	void it('tabulates one row per mitigation under the base accuracy before fine-tuning', () => {
		const detail = forget.forgetDetail(FORGET_REPORT as unknown as Record<string, unknown>, 'sst2.jsonl → hate.jsonl');
		assert.equal(detail.kind, 'forget');
		const mitigations = table(detail, 'forget');
		assert.deepEqual(mitigations.columns, ['method', 'parameters', 'retention', 'base accuracy', 'new-task accuracy']);
		assert.deepEqual(mitigations.rows, [
			['before fine-tuning', '—', '100.0 %', '0.8', '—'],
			['plain', '—', '70.0 %', '0.56', '0.75'],
			['replay', 'share 1', '95.0 %', '0.76', '0.72'],
			['replay', 'share 0.1', '80.0 %', '0.64', '0.74'],
			['l2-sp', 'strength 0.01', '75.0 %', '0.6', '0.7'],
			['ewc', 'strength 0.05', '90.0 %', '0.72', '0.73'],
			['distillation', 'temperature 2', '85.0 %', '0.68', '0.71'],
		]);
		// plain (best new task), replay 1 (best retention), replay 0.1 and ewc are not beaten on both; l2-sp and distillation are.
		assert.deepEqual(mitigations.highlight, [1, 2, 3, 5]);
		assert.equal(fact(detail, 'base accuracy before'), '0.8');
		assert.equal(fact(detail, 'plain fine-tune keeps'), '70.0 % of it (new task 0.75)');
		assert.equal(fact(detail, 'base labels'), 'negative, positive');
	});

	void it('plots retention against new-task accuracy, one point per mitigation and the replay sweep as a line', () => {
		const chart = forget.forgetChart(forget.forgetRows(FORGET_REPORT as unknown as Record<string, unknown>));
		assert.ok(chart);
		assert.equal(chart.chart, 'forget-tradeoff');
		assert.equal(chart.xFractional, true, 'retention ticks are not rounded to whole numbers');
		assert.deepEqual(chart.markers.map((marker) => [marker.label, marker.points]), [
			['plain', [{ x: 0.7, y: 0.75 }]],
			['replay (share 1)', [{ x: 0.95, y: 0.72 }]],
			['replay (share 0.1)', [{ x: 0.8, y: 0.74 }]],
			['l2-sp (strength 0.01)', [{ x: 0.75, y: 0.7 }]],
			['ewc (strength 0.05)', [{ x: 0.9, y: 0.73 }]],
			['distillation (temperature 2)', [{ x: 0.85, y: 0.71 }]],
		]);
		assert.deepEqual(chart.series, [{ label: 'replay, share swept', color: 'blue', points: [{ x: 0.8, y: 0.74 }, { x: 0.95, y: 0.72 }] }], 'the sweep in order of share');
	});

	void it('shows every mitigation of a real probe, in a table and as a point each', () => {
		const base = { file: 'movies.jsonl', text: sample({ records: 150, seed: 1 }) };
		const target = { file: 'phones.jsonl', text: sample({ records: 150, seed: 2, topics: PHONE_TOPICS }) };
		const report = probeForgetting(base, target, defaultSettings().fields, { ...DEFAULT_FORGET_OPTIONS, baseEpochs: 2, targetEpochs: 2 });
		const detail = forget.forgetDetail(report as unknown as Record<string, unknown>, 'movies → phones');
		const mitigations = table(detail, 'forget');
		assert.equal(mitigations.rows.length, report.rows.length + 1);
		assert.deepEqual(mitigations.rows.slice(1).map((row) => row[0]), report.rows.map((row) => row.method));
		assert.ok(['plain', 'replay', 'l2-sp', 'ewc', 'distillation'].every((method) => mitigations.rows.some((row) => row[0] === method)));
		const [chart] = detail.charts;
		assert.equal(chart.markers.length, report.rows.length);
		assert.equal(chart.series[0].points.length, DEFAULT_FORGET_OPTIONS.replayShares.length, 'one point of the replay line per share swept');
	});

	void it('skips broken rows and shows an empty probe without a chart', () => {
		const rows = forget.forgetRows({ rows: [{ method: 'plain', retention: 'high', newTask: 0.7 }, null, { method: 'ewc', retention: 0.9, newTask: 0.6 }] });
		assert.deepEqual(rows, [{ method: 'ewc', params: {}, retention: 0.9, baseAfter: null, newTask: 0.6 }]);
		const empty = forget.forgetDetail({}, 'empty');
		assert.deepEqual(empty.charts, []);
		assert.deepEqual(table(empty, 'forget').rows, [['before fine-tuning', '—', '100.0 %', '—', '—']]);
		assert.deepEqual(empty.notes, ['The probe reported no mitigation.']);
	});
});

const fields = defaultSettings().fields;
const reference = profileDataset(sample({ records: 600, seed: 1 }), 'a.jsonl', fields);

function engineReport(text: string): DriftReport {
	return compareProfiles(reference, profileDataset(text, 'b.jsonl', fields));
}

/** The signals whose figures the view calls drift, in compareProfiles' names. */
function flaggedSignals(report: DriftReport): string[] {
	const figures = drift.driftFigures(report as unknown as Record<string, unknown>);
	const names: Record<string, string> = { formats: 'format', 'domain classifier': 'domainClassifier' };
	return [...new Set(figures.filter((figure) => figure.over === true).map((figure) => names[figure.signal] ?? figure.signal))].sort();
}

void describe('run view model: drift', () => {
	void it('restates the CLI\'s default thresholds exactly', () => {
		assert.deepEqual(drift.DEFAULT_THRESHOLDS, DEFAULT_DRIFT_THRESHOLDS);
	});

	void it('judges each figure as the engine does: flagged figures are exactly the report\'s signals', () => {
		const cases = {
			'no drift': engineReport(sample({ records: 600, seed: 2 })),
			labels: engineReport(sample({ records: 600, seed: 2, positiveShare: 0.85 })),
			lengths: engineReport(sample({ records: 600, seed: 2, extraWords: 4 })),
			vocabulary: engineReport(sample({ records: 600, seed: 2, topics: PHONE_TOPICS })),
		};
		assert.ok(cases.labels.signals.includes('labels') && cases.vocabulary.signals.includes('vocabulary'), 'the planted shifts are found by the engine');
		for (const [name, report] of Object.entries(cases)) {
			assert.deepEqual(flaggedSignals(report), [...report.signals].sort(), name);
			const detail = drift.driftDetail(report as unknown as Record<string, unknown>, name);
			assert.equal(detail.verdict?.alarm, report.drift, name);
			assert.deepEqual(detail.verdict?.reasons, report.reasons, name);
		}
		assert.equal(drift.driftDetail(cases['no drift'] as unknown as Record<string, unknown>, '').verdict?.headline, 'No drift');
	});

	void it('shows every figure beside its threshold, with the report\'s thresholds', () => {
		const report = {
			a: { file: 'train.jsonl', records: 1000 },
			b: { file: 'batch.jsonl', records: 500 },
			labels: { psi: 0.31, js: 0.04, a: { pos: 500, neg: 500 }, b: { pos: 350, neg: 150 } },
			length: { ks: 0.12, pValue: 0.2, psi: 0.05, medianA: 80, medianB: 85 },
			tokens: { ks: 0.15, pValue: 0.001, psi: 0.25, medianA: 20, medianB: 24 },
			vocabulary: { js: 0.09, baseline: 0.02, appeared: [{ ngram: '<script>alert(1)</script>', countA: 0, countB: 9, shareA: 0, shareB: 0.004 }], vanished: [] },
			format: { js: 0, a: { classification: 1000 }, b: { classification: 500 } },
			roles: { js: 0, a: {}, b: {} },
			groups: { changed: [{ group: 'women', shareA: 0.1, shareB: 0.2, pValue: 1e-6 }], a: { men: 90, women: 100, young: 20, old: 30 }, b: { men: 46, women: 100, young: 2, old: 15 } },
			domainClassifier: { auc: 0.66, topNgrams: [{ ngram: 'refund', weight: 1.5, side: 'B' }], records: { a: 1000, b: 500 } },
			thresholds: { psi: 0.3, js: 0.1, ks: 0.1, ksPValue: 0.01, vocabularyJs: 0.05, groupShare: 0.05, auc: 0.65 },
			signals: ['labels', 'tokens', 'vocabulary', 'groups', 'domainClassifier'],
			reasons: ['label distribution: PSI 0.310 ≥ 0.3'],
			drift: true,
		};
		const detail = drift.driftDetail(report, 'batch.jsonl against train.jsonl');
		assert.equal(detail.kind, 'drift');
		assert.deepEqual(detail.verdict, { alarm: true, headline: 'Drift in labels, tokens, vocabulary, groups, domain classifier', reasons: ['label distribution: PSI 0.310 ≥ 0.3'] });
		const figures = table(detail, 'drift-figures');
		assert.deepEqual(figures.rows, [
			['labels', 'PSI', '0.31', '≥ 0.3', 'drift'],
			['labels', 'Jensen-Shannon', '0.04', '≥ 0.1', 'ok'],
			['length', 'Kolmogorov-Smirnov', '0.12 (p 0.20)', '≥ 0.1 with p < 0.01', 'ok'],
			['length', 'PSI', '0.05', '≥ 0.3', 'ok'],
			['tokens', 'Kolmogorov-Smirnov', '0.15 (p 0.0010)', '≥ 0.1 with p < 0.01', 'drift'],
			['tokens', 'PSI', '0.25', '≥ 0.3', 'ok'],
			['vocabulary', 'Jensen-Shannon', '0.09', '≥ 0.07 (sampling alone 0.02 + 0.05)', 'drift'],
			['formats', 'Jensen-Shannon', '0', '≥ 0.1', 'ok'],
			['roles', 'Jensen-Shannon', '0', '≥ 0.1', 'ok'],
			['groups', 'largest change of a group\'s share', '+10.0 points (women)', '≥ 5 points with p < 0.01', 'drift'],
			['domain classifier', 'AUC', '0.66', '≥ 0.65', 'drift'],
		]);
		assert.deepEqual(figures.flagged, [0, 4, 6, 9, 10]);
		assert.deepEqual(table(detail, 'drift-labels').rows, [['pos', '500', '50.0 %', '350', '70.0 %'], ['neg', '500', '50.0 %', '150', '30.0 %']]);
		assert.deepEqual(table(detail, 'drift-appeared').rows, [['<script>alert(1)</script>', '0', '9', '0.00 %', '0.40 %']]);
		assert.ok(!detail.tables.some((candidate) => candidate.id === 'drift-vanished'), 'no vanished n-grams, no table');
		assert.deepEqual(table(detail, 'drift-groups').rows, [
			['women', '10.0 %', '20.0 %', '+10.0 points', '1.0e-6'],
			['young', '2.0 %', '0.40 %', '−1.6 points', '—'],
			['men', '9.0 %', '9.2 %', '+0.2 points', '—'],
			['old', '3.0 %', '3.0 %', '0.0 points', '—'],
		], 'the largest moves first');
		assert.deepEqual(table(detail, 'drift-groups').flagged, [0]);
		assert.deepEqual(table(detail, 'drift-domain').rows, [['refund', 'B', '1.5']]);
		assert.equal(fact(detail, 'reference (A)'), 'train.jsonl (1000 records)');
		assert.equal(fact(detail, 'median token count'), '20 → 24');
	});

	void it('says what was not measured: no labels, a skipped domain classifier, missing thresholds', () => {
		const report = { length: { ks: 0.01, pValue: 0.9, psi: 0.01 }, domainClassifier: null, domainClassifierSkipped: 'a side is a stats snapshot, which has no texts to train on', drift: false, signals: [], reasons: [] };
		assert.deepEqual(drift.driftThresholds(report), DEFAULT_DRIFT_THRESHOLDS);
		const figures = drift.driftFigures(report);
		assert.deepEqual(figures[0], { signal: 'labels', statistic: 'PSI, Jensen-Shannon', value: 'no labels', threshold: '≥ 0.2, ≥ 0.1', over: null });
		assert.deepEqual(figures[figures.length - 1], { signal: 'domain classifier', statistic: 'AUC', value: 'skipped: a side is a stats snapshot, which has no texts to train on', threshold: '≥ 0.7', over: null });
		const detail = drift.driftDetail(report, 'snapshot');
		assert.equal(table(detail, 'drift-figures').rows[0][4], 'not measured');
		assert.deepEqual(detail.verdict, { alarm: false, headline: 'No drift', reasons: [] });
	});
});
