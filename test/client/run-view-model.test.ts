import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrainingResult } from '../../server/src/training/run';
import { saveRun } from '../../server/src/training/runStore';
import { type LabelIssueExportModule, loadRunViewModule, type ModelModule, type PageModule, type RunStoreModule, type SavedRun } from './runViewModules';

const model = loadRunViewModule<ModelModule>('model.ts');
const store = loadRunViewModule<RunStoreModule>('runStore.ts');
const exporter = loadRunViewModule<LabelIssueExportModule>('labelIssueExport.ts');
const page = loadRunViewModule<PageModule>('page.ts');

const HISTORY = [
	{ epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.65, seconds: 1 },
	{ epoch: 2, loss: 0.6, accuracy: 0.75, valLoss: 0.55, valAccuracy: 0.78, seconds: 1 },
	{ epoch: 3, loss: 0.4, accuracy: 0.85, valLoss: 0.6, valAccuracy: 0.77, seconds: 1 },
];

function classifierRun(findings: Record<string, unknown>[] = []): SavedRun {
	return {
		id: '20261129T174058Z-seed42',
		summary: { file: 'data/reviews.jsonl', backend: 'wasm', seed: 42, bestEpoch: 2, seconds: 3.25, metrics: { train: { loss: 0.4, accuracy: 0.85 }, validation: { loss: 0.55, accuracy: 0.78, macroF1: 0.7712 } } },
		history: HISTORY,
		learningCurve: [0.1, 0.25, 0.5, 1].map((share) => ({ share, records: share * 400, accuracy: 0.5 + share / 4, loss: 1 - share / 2 })),
		findings,
	};
}

void describe('run view model: saved runs', () => {
	void it('names metrics and dates as a person reads them', () => {
		assert.equal(model.runDate('20261129T174058Z-seed42-2'), '2026-11-29 17:40:58 UTC');
		assert.equal(model.runDate('hand-made'), '');
		assert.deepEqual(['macroF1', 'tokenAccuracy', 'valTokenAccuracy', 'l2', 'learningRate'].map(model.metricName), ['macro F1', 'token accuracy', 'val token accuracy', 'l2', 'learning rate']);
	});

	void it('lists a run with its file, backend, validation metrics and best epoch', () => {
		assert.deepEqual(model.runRow(classifierRun()), {
			key: 'run:20261129T174058Z-seed42',
			kind: 'run',
			id: '20261129T174058Z-seed42',
			date: '2026-11-29 17:40:58 UTC',
			file: 'data/reviews.jsonl',
			backend: 'wasm',
			metrics: 'loss 0.55, accuracy 0.78, macro F1 0.7712',
			bestEpoch: '2',
		});
	});

	void it('draws train and validation loss per epoch with the best epoch marked on the validation curve', () => {
		const [loss, accuracy] = model.epochCharts(HISTORY, 2);
		assert.equal(loss.chart, 'learning-curve');
		assert.deepEqual(loss.series.map((series) => [series.label, series.points.map((point) => point.y)]), [['train loss', [0.9, 0.6, 0.4]], ['validation loss', [0.8, 0.55, 0.6]]]);
		assert.deepEqual(loss.markers, [{ label: 'best epoch (2)', color: 'red', points: [{ x: 2, y: 0.55 }] }]);
		assert.equal(accuracy.chart, 'accuracy-curve');
		assert.deepEqual(accuracy.series.map((series) => series.label), ['train accuracy', 'validation accuracy']);
		assert.deepEqual(accuracy.markers[0].points, [{ x: 2, y: 0.78 }]);
		assert.deepEqual(model.epochCharts(HISTORY, null)[0].markers, [], 'no best epoch, no marker');
		assert.deepEqual(model.epochCharts([], 1), [], 'no history, no chart');
	});

	void it('shows whatever metrics a next-token run has (token accuracy instead of macro F1)', () => {
		const run: SavedRun = {
			id: '20261129T180000Z-seed1',
			summary: { file: 'chat.jsonl', backend: 'cpu', bestEpoch: 1, metrics: { validation: { loss: 3.2, tokenAccuracy: 0.31, perplexity: 24.5 } } },
			history: [{ epoch: 1, loss: 3.5, tokenAccuracy: 0.25, valLoss: 3.2, valTokenAccuracy: 0.31, seconds: 2 }, { epoch: 2, loss: 3.1, tokenAccuracy: 0.3, valLoss: 3.3, valTokenAccuracy: 0.3, seconds: 2 }],
			learningCurve: [{ share: 0.5, records: 50, tokenAccuracy: 0.28, loss: 3.4 }, { share: 1, records: 100, tokenAccuracy: 0.31, loss: 3.2 }],
			findings: [],
		};
		assert.equal(model.runRow(run).metrics, 'loss 3.2, token accuracy 0.31, perplexity 24.5');
		const detail = model.runDetail(run);
		assert.deepEqual(detail.charts.map((chart) => chart.chart), ['learning-curve', 'accuracy-curve', 'training-size-curve']);
		assert.equal(detail.charts[1].title, 'Token accuracy per epoch');
		assert.deepEqual(detail.charts[1].series.map((series) => series.label), ['train token accuracy', 'validation token accuracy']);
		assert.equal(detail.charts[2].yTitle, 'token accuracy');
		assert.ok(detail.facts.some((fact) => fact.name === 'validation perplexity' && fact.value === '24.5'));
	});

	void it('draws the insufficient-data learning curve over training records', () => {
		const chart = model.trainingSizeChart(classifierRun().learningCurve);
		assert.equal(chart?.chart, 'training-size-curve');
		assert.deepEqual(chart?.series[0].points.map((point) => point.x), [40, 100, 200, 400]);
		assert.equal(model.trainingSizeChart([]), undefined);
	});

	void it('lists the dataset-level findings and the first label issues, and counts the rest', () => {
		const labelIssues = Array.from({ length: model.MAX_LISTED_LABEL_ISSUES + 7 }, (_, index) => ({ ruleId: 'label-issue', severity: 'warning', scope: 'line', message: `issue ${index}`, range: { line: index, column: 0, endLine: index, endColumn: 5 } }));
		const overfitting = { ruleId: 'overfitting', severity: 'warning', scope: 'file', message: 'Overfitting from epoch 3', range: { line: 0, column: 0, endLine: 0, endColumn: 0 } };
		const detail = model.runDetail(classifierRun([...labelIssues, overfitting, { broken: true }]));
		assert.equal(detail.findings[0].ruleId, 'overfitting');
		assert.equal(detail.findings[0].line, null, 'a dataset-level finding has no line');
		assert.equal(detail.findings[1].line, 0);
		assert.equal(detail.findings.length, 1 + model.MAX_LISTED_LABEL_ISSUES);
		assert.equal(detail.findingsOmitted, 7);
		assert.equal(detail.labelIssues, model.MAX_LISTED_LABEL_ISSUES + 7);
		assert.ok(detail.facts.some((fact) => fact.name === 'validation macro F1' && fact.value === '0.7712'));
	});
});

void describe('run view model: searches and training logs', () => {
	void it('keeps the best so far, down for losses and up for accuracies', () => {
		assert.deepEqual(model.bestSoFar([0.5, 0.4, 0.45, 0.3], 'lower'), [0.5, 0.4, 0.4, 0.3]);
		assert.deepEqual(model.bestSoFar([0.5, 0.4, 0.6], 'higher'), [0.5, 0.5, 0.6]);
		assert.equal(model.improves('validation loss'), 'lower');
		assert.equal(model.improves('validation accuracy'), 'higher');
	});

	void it('tabulates the trials of a search and plots the best so far with the best trial marked', () => {
		const result = {
			method: 'bayes',
			metricName: 'validation loss',
			file: 'reviews.jsonl',
			trials: [0.5, 0.4, 0.45, 0.3].map((metric, index) => ({ params: { learningRate: 0.01 * (index + 1), l2: 0.0001 }, metric, seconds: 1.25 })),
			best: { params: { learningRate: 0.04, l2: 0.0001 }, metric: 0.3 },
		};
		const detail = model.tuneDetail(result, 'bayes search on reviews.jsonl');
		const [chart] = detail.charts;
		assert.equal(chart.chart, 'tune-best-so-far');
		assert.deepEqual(chart.series[0].points, [{ x: 1, y: 0.5 }, { x: 2, y: 0.4 }, { x: 3, y: 0.4 }, { x: 4, y: 0.3 }]);
		assert.equal(chart.series[0].stepped, true);
		assert.deepEqual(chart.markers.find((marker) => marker.label === 'best trial')?.points, [{ x: 4, y: 0.3 }]);
		const [table] = detail.tables;
		assert.equal(table.id, 'trials');
		assert.deepEqual(table.columns, ['trial', 'parameters', 'validation loss', 'time (s)']);
		assert.deepEqual(table.rows[3], ['4', 'learning rate 0.04, l2 0.0001', '0.3', '1.3']);
		assert.deepEqual(table.highlight, [3]);
		assert.deepEqual(model.tuneDetail({ method: 'grid', trials: [] }, 'empty').notes, ['No trial finished.']);
	});

	void it('draws earlier searches of the same file beside the current one, trial for trial', () => {
		const search = (method: string, metrics: number[]) => ({ method, metricName: 'validation loss', trials: metrics.map((metric) => ({ params: {}, metric, seconds: 1 })) });
		const detail = model.tuneDetail(search('bayes', [0.5, 0.3]), 'bayes', [search('random', [0.6, 0.55, 0.4])]);
		assert.deepEqual(detail.charts[0].series.map((series) => [series.label, series.points.map((point) => point.y)]), [
			['best so far (bayes)', [0.5, 0.3]],
			['best so far (random, earlier)', [0.6, 0.55, 0.4]],
		]);
	});

	void it('plots a training log with the overfitting step and the early-stopping step marked', () => {
		const point = (step: number, value: number) => ({ step, value, smoothed: value });
		const report = {
			file: 'results.csv',
			format: 'openai-csv',
			curves: {
				trainLoss: [1, 2, 3, 4, 5, 6].map((step) => point(step * 10, 1 / step)),
				validLoss: [point(20, 0.6), point(40, 0.5), point(60, 0.7)],
				trainAccuracy: [],
				validAccuracy: [],
			},
			overfitting: { step: 50, gap: 0.53 },
			earlyStopping: { step: 40, validLoss: 0.5, stoppedAt: 60, patience: 1, stepsSaved: 20 },
			problems: ['line 9: not a number'],
		};
		const detail = model.logDetail(report, 'results.csv');
		assert.deepEqual(detail.charts.map((chart) => chart.chart), ['log-loss'], 'no accuracy logged, no accuracy chart');
		const [loss] = detail.charts;
		assert.deepEqual(loss.series.map((series) => series.label), ['training loss', 'validation loss']);
		// Validation is logged every 20 steps: the turn at step 50 is marked on the next validation point.
		assert.deepEqual(loss.markers, [
			{ label: 'overfitting from step 60', color: 'red', points: [{ x: 60, y: 0.7 }] },
			{ label: 'early stopping keeps step 40', color: 'green', points: [{ x: 40, y: 0.5 }] },
		]);
		assert.ok(detail.facts.some((fact) => fact.name === 'overfitting' && fact.value === 'from step 50, final gap 0.53'));
		assert.deepEqual(detail.notes, ['line 9: not a number']);
	});

	void it('thins long curves and keeps their first and last points', () => {
		const points = Array.from({ length: 10_001 }, (_, x) => ({ x, y: x }));
		const thinned = model.thin(points, 2000);
		assert.ok(thinned.length <= 2001, `${thinned.length} points`);
		assert.deepEqual(thinned[0], points[0]);
		assert.deepEqual(thinned[thinned.length - 1], points[10_000]);
	});
});

void describe('run store and label-issue export', () => {
	const folder = mkdtempSync(path.join(tmpdir(), 'tunelint-run-store-'));
	after(() => rmSync(folder, { recursive: true, force: true }));
	const runs = path.join(folder, '.tunelint', 'runs');
	const save = (file: string, when: string, extra: Record<string, unknown> = {}): string => saveRun(runs, { file, backend: 'cpu', seed: 1, history: HISTORY, learningCurve: [], labelIssues: [], groups: [], triggers: [], findings: [], ...extra } as unknown as TrainingResult, new Date(when));

	void it('lists runs newest first and finds the newest run of a dataset, relative paths included', () => {
		save(path.join(folder, 'a.jsonl'), '2026-11-29T10:00:00Z');
		const newestOfA = save('a.jsonl', '2026-11-29T11:00:00Z', { labelIssues: [{ line: 4, given: '=HYPERLINK("x")', suggested: 'neg, really', probability: 0.9, selfConfidence: 0.05 }, { line: 1, given: '-1', suggested: '1', probability: 0.8, selfConfidence: 0.1 }] });
		save(path.join(folder, 'b.jsonl'), '2026-11-29T12:00:00Z');
		assert.deepEqual(store.listRuns([runs, path.join(folder, 'missing')]).map((run) => run.id), ['20261129T120000Z-seed1', '20261129T110000Z-seed1', '20261129T100000Z-seed1']);
		const newest = store.newestRunOf([runs], path.join(folder, 'a.jsonl'));
		assert.equal(newest?.directory, newestOfA);
		const saved = newest === undefined ? undefined : store.readSavedRun(newest);
		assert.deepEqual(saved?.history, HISTORY);
		assert.equal(store.newestRunOf([runs], path.join(folder, 'c.jsonl')), undefined);
	});

	void it('exports the ranked label issues with 1-based lines, safely quoted for spreadsheets', () => {
		const newest = store.newestRunOf([runs], path.join(folder, 'a.jsonl'));
		assert.ok(newest);
		const rows = exporter.labelIssueRows(store.readLabelIssues(newest));
		assert.deepEqual(rows.map((row) => [row.rank, row.line]), [[1, 5], [2, 2]]);
		assert.equal(exporter.labelIssuesCsv(rows), 'rank,line,given,suggested,probability,selfConfidence\r\n1,5,"\'=HYPERLINK(""x"")","neg, really",0.9,0.05\r\n2,2,-1,1,0.8,0.1\r\n');
		assert.deepEqual(exporter.labelIssuesJsonl(rows).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), rows);
	});
});

void describe('run view page', () => {
	const state = { rows: [], selected: null, detail: null, note: '</script><script>alert(1)</script>' };

	void it('allows only its own nonce-carrying script and style, and keeps state text out of the markup', () => {
		const html = page.runViewPage(state, 'console.log("</script>")', 'AAAAAAAAAAAAAAAAAAAAAA==');
		const csp = /content="([^"]+)"/.exec(html)?.[1] ?? '';
		assert.equal(csp, "default-src 'none'; img-src data:; style-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; base-uri 'none'; form-action 'none'");
		assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two script elements end');
		assert.ok(!html.includes('<script>alert'));
		assert.throws(() => page.runViewPage(state, '', 'short'), /nonce/);
	});
});
