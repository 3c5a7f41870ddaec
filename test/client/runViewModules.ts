/**
 * The run view's pure modules (client/src/runView), bundled from their sources for the tests: the client project
 * compiles where a test cannot import it (as test/client/helpers.test.ts explains). The interfaces restate the parts
 * of each module's API the tests use; a mismatch fails the tests at run time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { buildSync } from 'esbuild';

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

export interface Point {
	x: number;
	y: number;
}

export interface ChartModel {
	chart: string;
	title: string;
	xTitle: string;
	yTitle: string;
	series: Array<{ label: string; color: string; points: Point[]; stepped?: boolean }>;
	markers: Array<{ label: string; color: string; points: Point[] }>;
	xFractional?: boolean;
}

export interface TableModel {
	id: string;
	caption: string;
	columns: string[];
	numeric: boolean[];
	rows: string[][];
	highlight: number[];
	flagged?: number[];
}

export interface DetailModel {
	kind: 'run' | 'tune' | 'log' | 'forget' | 'drift';
	title: string;
	facts: Array<{ name: string; value: string }>;
	charts: ChartModel[];
	tables: TableModel[];
	findings: Array<{ ruleId: string; severity: string; message: string; line: number | null }>;
	findingsOmitted: number;
	labelIssues: number;
	notes: string[];
	verdict?: { alarm: boolean; headline: string; reasons: string[] };
	actions?: Array<{ id: string; label: string }>;
}

export interface ListRow {
	key: string;
	kind: string;
	id: string;
	date: string;
	file: string;
	backend: string;
	metrics: string;
	bestEpoch: string;
}

export interface SavedRun {
	id: string;
	summary: Record<string, unknown>;
	history: Record<string, unknown>[];
	learningCurve: Record<string, unknown>[];
	findings: Record<string, unknown>[];
}

export interface RunViewState {
	rows: ListRow[];
	selected: string | null;
	detail: DetailModel | null;
	note: string | null;
}

export interface ModelModule {
	MAX_LISTED_LABEL_ISSUES: number;
	runDate(id: string): string;
	metricName(key: string): string;
	metricFacts(metrics: unknown): Array<{ name: string; value: string }>;
	runRow(run: SavedRun): ListRow;
	epochCharts(history: readonly Record<string, unknown>[], bestEpoch: number | null): ChartModel[];
	trainingSizeChart(curve: readonly Record<string, unknown>[]): ChartModel | undefined;
	runDetail(run: SavedRun): DetailModel;
	bestSoFar(values: readonly number[], better: 'lower' | 'higher'): number[];
	improves(name: string): 'lower' | 'higher';
	tuneDetail(result: Record<string, unknown>, title: string, compared?: readonly Record<string, unknown>[]): DetailModel;
	logDetail(report: Record<string, unknown>, title: string): DetailModel;
	thin(points: readonly Point[], max: number): Point[];
}

export interface ForgetModelModule {
	forgetRows(report: Record<string, unknown>): Array<{ method: string; params: Record<string, unknown>; retention: number; baseAfter: number | null; newTask: number }>;
	paretoFront(rows: ReadonlyArray<{ retention: number; newTask: number }>): number[];
	forgetChart(rows: ReturnType<ForgetModelModule['forgetRows']>): ChartModel | undefined;
	forgetDetail(report: Record<string, unknown>, title: string): DetailModel;
}

export interface DriftFigure {
	signal: string;
	statistic: string;
	value: string;
	threshold: string;
	over: boolean | null;
}

export interface DriftModelModule {
	DEFAULT_THRESHOLDS: Record<string, number>;
	driftThresholds(report: Record<string, unknown>): Record<string, number>;
	driftFigures(report: Record<string, unknown>): DriftFigure[];
	driftDetail(report: Record<string, unknown>, title: string): DetailModel;
}

export interface RunLocation {
	id: string;
	directory: string;
	runsDirectory: string;
}

export interface RunStoreModule {
	listRuns(runsDirectories: readonly string[]): RunLocation[];
	readSavedRun(location: RunLocation): SavedRun | undefined;
	newestRunOf(runsDirectories: readonly string[], datasetFile: string): RunLocation | undefined;
	readLabelIssues(location: RunLocation): Record<string, unknown>[];
}

export interface LabelIssueRow {
	rank: number;
	line: number;
	given: string;
	suggested: string;
	probability: number | null;
	selfConfidence: number | null;
}

export interface LabelIssueExportModule {
	labelIssueRows(issues: readonly Record<string, unknown>[]): LabelIssueRow[];
	labelIssuesCsv(rows: readonly LabelIssueRow[]): string;
	labelIssuesJsonl(rows: readonly LabelIssueRow[]): string;
}

export interface PageModule {
	runViewPage(state: RunViewState, script: string, nonce: string): string;
}

const bundleDirectory = mkdtempSync(path.join(tmpdir(), 'tunelint-run-view-'));
after(() => rmSync(bundleDirectory, { recursive: true, force: true }));

/**
 * Bundles the run view's renderer (client/src/runView/view/main.mts) for the browser from its sources, as esbuild.mjs
 * does for server/out/runView.js, so a browser test never runs a stale bundle; returns the script.
 */
export function buildRunViewRenderer(): string {
	const result = buildSync({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'runView', 'view', 'main.mts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, write: false, logLevel: 'silent' });
	return result.outputFiles[0].text;
}

/** Bundles client/src/runView/<file> (which must not import `vscode`) and requires it. */
export function loadRunViewModule<T>(file: string): T {
	const outfile = path.join(bundleDirectory, `${path.basename(file, '.ts')}.js`);
	buildSync({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'runView', file)], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as T;
}
