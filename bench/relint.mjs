// Issue 3 / issue 11 benchmark: the editor's re-lint of a 100k-record chat document after a one-line edit, as a share
// of the first (full) lint, through the language server's own path (TieredLinter: the first lint runs every rule, the
// lints on each keystroke skip the expensive file rules); and how long a lint takes to stop after a cancellation
// arrives, at points spread over a whole lint (so some land in the file rules' finish step). Targets: re-lint at most
// 5 % of the first lint; cancellation honoured within 200 ms. BENCH_RELINT_RECORDS (default 100000) scales the document.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { reportFigure, requireSources, mulberry32 } from './lib.mjs';

// Each cancellation is measured on a fresh linter of a 100k-record document, ten per row: without a collection in
// between, the abandoned linters pile up to a 900 MB heap, and a full collection of it (measured at up to 940 ms in
// one pause) lands in some cancellation windows. The language server keeps one linter per document, so the heap it
// collects is one linter's: the benchmark collects the abandoned ones before each measurement, outside its window.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

const RECORDS = Number(process.env.BENCH_RELINT_RECORDS ?? 100_000);
/** The language server's own options: it yields with setImmediate every 5000 lines. */
const yieldControl = () => new Promise((resolve) => setImmediate(resolve));
const SERVER_OPTIONS = { yieldControl, yieldEvery: 5000 };

/** Chat records over a 20k-word vocabulary; 5 % are edited copies of a recent record and 1 % exact copies. */
function chatDocument(count) {
	const random = mulberry32(7);
	const vocabulary = Array.from({ length: 20_000 }, () => Math.floor(random() * 2 ** 31).toString(36));
	const recent = [];
	const lines = [];
	for (let index = 0; index < count; index++) {
		let words;
		const roll = random();
		if (recent.length > 0 && roll < 0.05) {
			words = recent[Math.floor(random() * recent.length)].map((word) => (random() < 0.05 ? vocabulary[Math.floor(random() * vocabulary.length)] : word));
		} else if (recent.length > 0 && roll < 0.06) {
			words = recent[Math.floor(random() * recent.length)];
		} else {
			words = Array.from({ length: 12 + Math.floor(random() * 40) }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
			recent.push(words);
			if (recent.length > 1000) {
				recent.shift();
			}
		}
		const half = Math.max(4, words.length >> 2);
		lines.push(JSON.stringify({ messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: `${words.slice(0, half).join(' ')}?` }, { role: 'assistant', content: words.slice(half).join(' ') }] }));
	}
	return lines;
}

/** The engine and the tiered linter, bundled from source so the benchmark does not depend on `tsc -b`. */
function loadServer() {
	return requireSources('relint-server', [
		"export { ALL_RULES, defaultSettings, LintCancelled, splitLines } from './server/src/core/index';",
		"export { TieredLinter } from './server/src/lsp/tieredLinter';",
	]);
}

async function timed(run) {
	const started = process.hrtime.bigint();
	const result = await run();
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

function verdict(ok) {
	return ok ? 'met' : 'NOT met';
}

/** The document text with line `at` edited (a word added before the end of its last message). */
function editText(text, at, tag) {
	let start = 0;
	for (let line = 0; line < at; line++) {
		start = text.indexOf('\n', start) + 1;
	}
	const end = text.indexOf('"}]}', start);
	return `${text.slice(0, end)} ${tag}${text.slice(end)}`;
}

function edit(lines, at, tag) {
	const edited = [...lines];
	edited[at] = edited[at].replace('"}]}', ` ${tag}"}]}`);
	return edited;
}

async function relint(server, lines) {
	console.log(`\n## Re-lint of a ${lines.length.toLocaleString('en-US')}-record chat document after a one-line edit (editor path: TieredLinter)\n`);
	console.log('| settings | first lint (all rules), s | keystroke re-lint (median of 5), s | share of first lint |');
	console.log('| --- | ---: | ---: | ---: |');
	const configurations = [
		['default rules', undefined],
		['format + duplicates', ['format', 'duplicates']],
		['duplicates', ['duplicates']],
	];
	for (const [label, categories] of configurations) {
		const settings = server.defaultSettings();
		if (categories !== undefined) {
			settings.categories = categories;
		}
		// A warm-up on a slice, so the timed runs see optimised code.
		const warm = new server.TieredLinter(settings);
		await warm.lint(lines.slice(0, 20_000), SERVER_OPTIONS);
		await warm.lint(edit(lines.slice(0, 20_000), 10, 'warm'), SERVER_OPTIONS);
		// As in the language server, each lint gets the lines split afresh from the document's whole text.
		const linter = new server.TieredLinter(settings);
		let text = lines.join('\n');
		const first = await timed(() => linter.lint(server.splitLines(text), SERVER_OPTIONS));
		const again = [];
		for (let round = 0; round < 5; round++) {
			text = editText(text, 1000 + round * 7919, `edited${round}`);
			const current = text;
			again.push((await timed(() => linter.lint(server.splitLines(current), SERVER_OPTIONS))).seconds);
		}
		const median = again.sort((a, b) => a - b)[2];
		const share = median / first.seconds;
		console.log(`| ${label} | ${first.seconds.toFixed(2)} | ${median.toFixed(3)} | ${(100 * share).toFixed(1)}% (target at most 5%: ${verdict(share <= 0.05)}) |`);
		reportFigure({ measure: `re-lint of ${lines.length} records after a one-line edit, ${label}: share of the first lint`, value: 100 * share, unit: '%', reference: `first lint ${first.seconds.toFixed(2)} s`, ratio: share, target: '≤ 5 %', met: share <= 0.05 });
	}
}

/**
 * Starts a fresh full lint and cancels it after `delayMs`; returns the milliseconds from the cancellation's due time to
 * the lint's rejection, or to its end when it ran on regardless (undefined when it finished before the due time).
 */
async function cancelLatency(server, settings, lines, delayMs) {
	collectGarbage();
	const linter = new server.TieredLinter(settings);
	const signal = { isCancellationRequested: false };
	// Latency counts from when the newer request was due, not from when the timer got to run: while a synchronous step
	// blocks the event loop, the server could not read that request either.
	const dueAt = process.hrtime.bigint() + BigInt(Math.round(delayMs * 1e6));
	const sinceDue = () => Number(process.hrtime.bigint() - dueAt) / 1e6;
	const timer = setTimeout(() => {
		signal.isCancellationRequested = true;
	}, delayMs);
	try {
		await linter.lint(lines, { ...SERVER_OPTIONS, signal });
		clearTimeout(timer);
		// A lint that ran on past the due time (it never yielded there) ignored the cancellation until its end.
		const late = sinceDue();
		return late > 0 ? late : undefined;
	} catch (error) {
		if (!(error instanceof server.LintCancelled)) {
			throw error;
		}
		return sinceDue();
	}
}

async function cancellation(server, lines) {
	console.log(`\n## Cancellation of a full lint (a newer request arrives; the server's options: yield every 5000 lines, the engine also yields every 40 ms)\n`);
	console.log('| settings | full lint, s | cancellations landed | median latency, ms | worst latency, ms |');
	console.log('| --- | ---: | ---: | ---: | ---: |');
	// The default rules fit models on open (minutes on 100k records), so they are measured on a 30k-record slice. The
	// two poisoning rules whose finish steps score or mine every (sampled) record are also measured alone on the whole
	// document, where most late cancellations land inside those finish steps.
	const poisoningFinish = ['outlier-text', 'trigger-candidate'];
	const runs = [
		['format + duplicates', { categories: ['format', 'duplicates'] }, lines.length],
		['default rules', {}, Math.min(lines.length, 30_000)],
		[poisoningFinish.join(' + '), { only: poisoningFinish }, lines.length],
	];
	for (const [label, { categories, only }, count] of runs) {
		const settings = server.defaultSettings();
		if (categories !== undefined) {
			settings.categories = categories;
		}
		if (only !== undefined) {
			settings.categories = ['poisoning'];
			for (const id of server.ALL_RULES.map((rule) => rule.id).filter((id) => !only.includes(id))) {
				settings.rules[id] = 'off';
			}
		}
		const document = lines.slice(0, count);
		const full = await timed(() => new server.TieredLinter(settings).lint(document, SERVER_OPTIONS));
		const latencies = [];
		// Cancellations spread over the whole lint, the last ones in its final (file-rule) steps.
		for (const share of [0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98]) {
			const latency = await cancelLatency(server, settings, document, share * full.seconds * 1000);
			if (latency !== undefined) {
				latencies.push(latency);
			}
		}
		latencies.sort((a, b) => a - b);
		const worst = latencies.at(-1) ?? NaN;
		const median = latencies[Math.floor(latencies.length / 2)] ?? NaN;
		console.log(`| ${label}, ${count.toLocaleString('en-US')} records | ${full.seconds.toFixed(2)} | ${latencies.length} of 9 | ${median.toFixed(0)} | ${worst.toFixed(0)} (target at most 200 ms: ${verdict(worst <= 200)}) |`);
		reportFigure({ measure: `cancellation latency of a full lint of ${count} records, ${label}: worst of ${latencies.length}`, value: worst, unit: 'ms', reference: `full lint ${full.seconds.toFixed(2)} s`, target: '≤ 200 ms', met: worst <= 200 });
	}
}

const server = await loadServer();
const lines = chatDocument(RECORDS);
const only = process.env.BENCH_RELINT_ONLY?.split(',');
for (const [name, run] of [['relint', relint], ['cancel', cancellation]]) {
	if (only === undefined || only.includes(name)) {
		await run(server, lines);
	}
}
