import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { StatusParams } from '../../server/src/protocol/messages';

// The compiled test lives in out/test/client/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const bundleDirectory = mkdtempSync(path.join(tmpdir(), 'tunelint-client-helpers-'));
after(() => rmSync(bundleDirectory, { recursive: true, force: true }));

/**
 * Loads a pure client module (one that does not import `vscode`) from its TypeScript source. The client project
 * compiles with rootDir '..' into out/client/client/src, which a test cannot import by relative path, so the test
 * bundles the module with esbuild (already the build tool) into a temporary file and requires that. The
 * interfaces below restate the parts of each module's API the tests use; a mismatch fails the tests at run time.
 */
function loadClientModule<T>(file: string): T {
	const outfile = path.join(bundleDirectory, `${path.basename(file, '.ts')}.js`);
	buildSync({
		entryPoints: [path.join(repositoryRoot, 'client', 'src', file)],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
		logLevel: 'silent',
	});
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as T;
}

interface SettingsModule {
	normalizeClientSettings(read: (key: string) => unknown): Record<string, unknown>;
}

interface StatusTextModule {
	describeStatus(status: StatusParams): { text: string; detail: string; severity: string };
	summarizeLint(fileName: string, status: StatusParams): string;
	formatProblems(problems: StatusParams['problems']): string;
	formatDuration(milliseconds: number): string;
	formatCount(count: number, noun: string): string;
	formatLabels(labels: Record<string, number>): string;
	isStatusParams(value: unknown): boolean;
}

interface CrashPolicyInstance {
	recordCrash(): { restart: boolean; crashes: number };
	reset(): void;
}

interface CrashPolicyModule {
	MAX_RESTARTS: number;
	CRASH_WINDOW_MS: number;
	CrashPolicy: new (maxRestarts?: number, windowMs?: number, now?: () => number) => CrashPolicyInstance;
}

type WorkDoneValue = { kind: 'begin'; title: string; message?: string } | { kind: 'report'; message?: string } | { kind: 'end' };

interface ProgressRouterModule {
	ProgressRouter: new () => {
		attach(sink: (message: string) => void): () => void;
		handle(token: string | number, value: WorkDoneValue): boolean;
	};
}

const settings = loadClientModule<SettingsModule>('settings.ts');
const statusText = loadClientModule<StatusTextModule>('statusText.ts');
const crashPolicy = loadClientModule<CrashPolicyModule>('crashPolicy.ts');
const progressRouter = loadClientModule<ProgressRouterModule>('progressRouter.ts');

function reader(values: Record<string, unknown>): (key: string) => unknown {
	return (key) => values[key];
}

function status(overrides: Partial<StatusParams> = {}): StatusParams {
	return {
		uri: 'file:///data/train.jsonl',
		records: 12345,
		format: 'openai-chat',
		problems: { error: 2, warning: 1, info: 0 },
		truncated: false,
		durationMs: 850,
		...overrides,
	};
}

void describe('client settings', () => {
	void it('sends the defaults and leaves out field mappings and maxProblems the user did not set', () => {
		assert.deepEqual(settings.normalizeClientSettings(reader({})), {
			enable: true,
			rules: {},
			ruleOptions: {},
			fields: {},
			configFile: '.tunelintrc.json',
		});
	});

	void it('passes on the values the user set, cleaned up', () => {
		const result = settings.normalizeClientSettings(reader({
			enable: false,
			'fields.text': [' body ', 'body', '', 3],
			'fields.label': ['sentiment'],
			maxProblems: 50.7,
			configFile: '  configs/tunelint.json ',
		}));
		assert.equal(result.enable, false);
		assert.deepEqual(result.fields, { text: ['body'], label: ['sentiment'] });
		assert.equal(result.maxProblems, 50);
		assert.equal(result.configFile, 'configs/tunelint.json');
	});

	void it('treats values of the wrong shape as unset', () => {
		const result = settings.normalizeClientSettings(reader({
			enable: 'no',
			'fields.text': [],
			'fields.label': 'label',
			maxProblems: 0,
			configFile: '',
			rules: ['blank-line'],
			ruleOptions: 'token-limit',
		}));
		assert.deepEqual(result, { enable: true, rules: {}, ruleOptions: {}, fields: {}, configFile: '.tunelintrc.json' });
		assert.ok(!('maxProblems' in settings.normalizeClientSettings(reader({ maxProblems: Number.NaN }))));
	});

	void it('keeps only known severities, reading ESLint\'s warn as warning', () => {
		const result = settings.normalizeClientSettings(reader({
			rules: { 'blank-line': 'off', bom: 'warn', schema: 'error', 'token-limit': 'loud', weight: 2 },
		}));
		assert.deepEqual(result.rules, { 'blank-line': 'off', bom: 'warning', schema: 'error' });
	});

	void it('keeps rule options that are objects, as copies', () => {
		const tokenLimit = { limit: 8192 };
		const result = settings.normalizeClientSettings(reader({ ruleOptions: { 'token-limit': tokenLimit, weight: 5, bom: [1] } }));
		assert.deepEqual(result.ruleOptions, { 'token-limit': { limit: 8192 } });
		assert.notEqual((result.ruleOptions as Record<string, unknown>)['token-limit'], tokenLimit);
	});
});

void describe('status text', () => {
	void it('describes a lint: records and format, then problems and time', () => {
		assert.deepEqual(statusText.describeStatus(status()), {
			text: '12,345 records · openai-chat',
			detail: '2 errors, 1 warning · 850 ms',
			severity: 'information',
		});
	});

	void it('warns when the problem list was truncated', () => {
		const description = statusText.describeStatus(status({ truncated: true }));
		assert.equal(description.severity, 'warning');
		assert.match(description.detail, /truncated at tunelint\.maxProblems/);
	});

	void it('names an undetected format', () => {
		assert.equal(statusText.describeStatus(status({ format: null, records: 1 })).text, '1 record · unknown format');
	});

	void it('shows the label distribution of a balanced file, most frequent first', () => {
		const description = statusText.describeStatus(status({ labels: { negative: 50, positive: 52 } }));
		assert.equal(description.detail, '2 errors, 1 warning · 850 ms · labels: positive 52 (51%), negative 50 (49%)');
	});

	void it('shows the answers\' length and first words of generative data in place of labels', () => {
		const description = statusText.describeStatus(status({ answers: { count: 40, length: { p10: 51, median: 1053, p90: 2056 }, firstWords: { sure: 30, well: 10 } } }));
		assert.equal(description.detail, '2 errors, 1 warning · 850 ms · answers: median 1,053 characters (10–90%: 51–2,056), first words: sure 75%, well 25%');
		assert.ok(statusText.isStatusParams(status({ answers: { count: 1, length: { p10: 1, median: 1, p90: 1 }, firstWords: {} } })));
		assert.ok(!statusText.isStatusParams({ ...status(), answers: { count: 1, length: { median: 1 }, firstWords: {} } }));
	});

	void it('names six labels and sums up the rest', () => {
		const labels = Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`class${index}`, 10 + index]));
		assert.match(statusText.formatLabels(labels), /^class8 18 \(\d+%\), .*class3 13 \(\d+%\) and 3 more$/);
		assert.equal(statusText.formatLabels({ '': 1 }), '(empty) 1 (100%)');
	});

	void it('counts problems', () => {
		assert.equal(statusText.formatProblems({ error: 0, warning: 0, info: 0 }), 'no problems');
		assert.equal(statusText.formatProblems({ error: 1, warning: 2, info: 3 }), '1 error, 2 warnings, 3 info');
	});

	void it('formats durations', () => {
		assert.equal(statusText.formatDuration(849.6), '850 ms');
		assert.equal(statusText.formatDuration(4200), '4.2 s');
		assert.equal(statusText.formatDuration(185_000), '3 min 5 s');
		assert.equal(statusText.formatDuration(-1), 'unknown time');
	});

	void it('summarises a lint from disk in one sentence', () => {
		assert.equal(
			statusText.summarizeLint('train.jsonl', status({ durationMs: 4200, truncated: true })),
			'train.jsonl: 12,345 records (openai-chat), 2 errors, 1 warning, in 4.2 s. The problem list was truncated at tunelint.maxProblems.',
		);
	});

	void it('accepts only well-formed status parameters from the server', () => {
		assert.ok(statusText.isStatusParams(status()));
		assert.ok(statusText.isStatusParams(status({ format: null })));
		assert.ok(!statusText.isStatusParams(null));
		assert.ok(!statusText.isStatusParams({ ...status(), problems: undefined }));
		assert.ok(!statusText.isStatusParams({ ...status(), problems: { error: 1, warning: 0 } }));
		assert.ok(!statusText.isStatusParams({ ...status(), records: '12' }));
		assert.ok(!statusText.isStatusParams({ ...status(), truncated: 'no' }));
		assert.ok(statusText.isStatusParams(status({ labels: { spam: 1 } })));
		assert.ok(!statusText.isStatusParams({ ...status(), labels: { spam: '1' } }));
	});
});

void describe('crash policy', () => {
	void it('restarts a crashing server a bounded number of times inside the window, then gives up', () => {
		let now = 0;
		const policy = new crashPolicy.CrashPolicy(crashPolicy.MAX_RESTARTS, crashPolicy.CRASH_WINDOW_MS, () => now);
		const decisions = Array.from({ length: crashPolicy.MAX_RESTARTS + 1 }, () => {
			now += 1000;
			return policy.recordCrash();
		});
		assert.deepEqual(decisions.map((decision) => decision.restart), [true, true, true, true, false]);
		assert.equal(decisions.at(-1)?.crashes, 5);
	});

	void it('forgets crashes older than the window', () => {
		let now = 0;
		const policy = new crashPolicy.CrashPolicy(2, 60_000, () => now);
		policy.recordCrash();
		now = 30_000;
		policy.recordCrash();
		now = 61_000;
		assert.deepEqual(policy.recordCrash(), { restart: true, crashes: 2 });
	});

	void it('starts counting again after a reset', () => {
		const policy = new crashPolicy.CrashPolicy(1, 60_000, () => 0);
		policy.recordCrash();
		assert.equal(policy.recordCrash().restart, false);
		policy.reset();
		assert.equal(policy.recordCrash().restart, true);
	});
});

void describe('progress router', () => {
	void it('leaves progress alone while no command listens', () => {
		const router = new progressRouter.ProgressRouter();
		assert.equal(router.handle(1, { kind: 'begin', title: 'Linting' }), false);
		assert.equal(router.handle(1, { kind: 'report', message: '20,000 lines' }), false);
	});

	void it('routes a progress that begins while a command listens, until it ends', () => {
		const router = new progressRouter.ProgressRouter();
		const messages: string[] = [];
		const detach = router.attach((message) => messages.push(message));
		assert.equal(router.handle('t', { kind: 'begin', title: 'Tunelint: linting file on disk', message: '/data/big.jsonl' }), true);
		assert.equal(router.handle('t', { kind: 'report', message: '20,000 lines' }), true);
		assert.equal(router.handle('t', { kind: 'report' }), true);
		assert.equal(router.handle('t', { kind: 'end' }), true);
		detach();
		assert.deepEqual(messages, ['/data/big.jsonl', '20,000 lines']);
		assert.equal(router.handle('t', { kind: 'report', message: 'late' }), false);
		assert.equal(router.handle('u', { kind: 'begin', title: 'Other' }), false);
	});

	void it('does not take over a progress that began before the command listened', () => {
		const router = new progressRouter.ProgressRouter();
		router.handle('old', { kind: 'begin', title: 'Earlier' });
		router.attach(() => undefined);
		assert.equal(router.handle('old', { kind: 'report', message: 'x' }), false);
	});
});
