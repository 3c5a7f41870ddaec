// Issue 5 benchmark. (1) Throughput of the identity-term matcher (515 forms, context rules) against the conversationai
// method it replaces (one case-insensitive \bterm\b regex per each of its 50 terms) on the same texts in the same run.
// (2) `tunelint check --category fairness` on a generated chat file full of identity terms, against a bare readline +
// JSON.parse loop over the same file. Size of the file: BENCH_FAIRNESS_MB (default 100).
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { BENCH_DIR, measureNode, reportFigure, ROOT, mulberry32 } from './lib.mjs';

const megabytes = Number(process.env.BENCH_FAIRNESS_MB ?? 100);
const file = path.join(BENCH_DIR, `fairness-chat-${megabytes}mb.jsonl`);
const CLI = path.join(ROOT, 'server', 'out', 'cli.js');
const WIKI = path.join(ROOT, '..', 'shared', 'datasets', 'bias', 'conversationai_wiki_toxicity_nonfuzzed_testset.jsonl');

/** The 50 identity terms of Dixon et al. (conversationai bias_madlibs_data/adjectives_people.txt). */
const DIXON_TERMS = ['lesbian', 'gay', 'bisexual', 'transgender', 'trans', 'queer', 'lgbt', 'lgbtq', 'homosexual', 'straight', 'heterosexual', 'male', 'female', 'nonbinary', 'african', 'african american', 'black', 'white', 'european', 'hispanic', 'latino', 'latina', 'latinx', 'mexican', 'canadian', 'american', 'asian', 'indian', 'middle eastern', 'chinese', 'japanese', 'christian', 'muslim', 'jewish', 'buddhist', 'catholic', 'protestant', 'sikh', 'taoist', 'old', 'older', 'young', 'younger', 'teenage', 'millenial', 'middle aged', 'elderly', 'blind', 'deaf', 'paralyzed'];

const WORDS = 'the model data answer question river mountain learning quickly because system value train example token ocean city music history science explain describe summary careful honest result number language write code test bridge garden winter'.split(' ');
const IDENTITY = 'she he his her woman men Muslim Christian Jewish black women white wine old man young people gay lesbian Asian American Mexican elderly disabled they'.split(' ');

/** Sentences where about one word in twelve is an identity word (some ambiguous: "white wine", "old", "they"). */
function sentenceMaker(random) {
	const word = () => {
		const list = random() < 0.08 ? IDENTITY : WORDS;
		return list[Math.floor(random() * list.length)];
	};
	return (n) => Array.from({ length: n }, word).join(' ');
}

async function generate() {
	await mkdir(BENCH_DIR, { recursive: true });
	const random = mulberry32(5);
	const sentence = sentenceMaker(random);
	const out = createWriteStream(file);
	let bytes = 0;
	let index = 0;
	while (bytes < megabytes * 1024 * 1024) {
		const refuse = random() < 0.1;
		const record = {
			messages: [
				{ role: 'user', content: `${index}: ${sentence(8 + Math.floor(random() * 30))}?` },
				{ role: 'assistant', content: refuse ? "I'm sorry, but I can't help with that." : sentence(20 + Math.floor(random() * 120)) },
			],
		};
		const line = `${JSON.stringify(record)}\n`;
		bytes += Buffer.byteLength(line);
		index++;
		if (!out.write(line)) {
			await new Promise((resolve) => out.once('drain', resolve));
		}
	}
	await new Promise((resolve) => out.end(resolve));
}

/** Bundles the matcher from source so the benchmark does not depend on a previous `tsc -b`. */
async function loadMatcher() {
	const bundle = await esbuild.build({ entryPoints: [path.join(ROOT, 'server', 'src', 'core', 'fairness', 'matcher.ts')], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
	return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}

function timeBest(repeats, run) {
	let best = Infinity;
	let result;
	for (let repeat = 0; repeat < repeats; repeat++) {
		const started = process.hrtime.bigint();
		result = run();
		best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
	}
	return { seconds: best, result };
}

async function matcherBenchmark() {
	const { matchGroups } = await loadMatcher();
	const dixon = DIXON_TERMS.map((term) => new RegExp(`\\b${term}\\b`, 'i'));
	const random = mulberry32(7);
	const sentence = sentenceMaker(random);
	const corpora = [['generated chat sentences (20k)', Array.from({ length: 20_000 }, () => sentence(10 + Math.floor(random() * 60)))]];
	if (existsSync(WIKI)) {
		corpora.push(['conversationai wiki toxicity (1,492 comments)', readFileSync(WIKI, 'utf8').trim().split('\n').map((line) => JSON.parse(line).text)]);
	}
	console.log('\n## Fairness matcher: identity-term matching per record\n');
	console.log('| texts | M chars | reference: 50 Dixon regexes, s | matchGroups (515 forms), s | matcher M chars/s | speed ratio to reference | mentions found |');
	console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
	for (const [label, texts] of corpora) {
		const megaChars = texts.reduce((sum, text) => sum + text.length, 0) / 1e6;
		const reference = timeBest(5, () => texts.reduce((count, text) => count + dixon.filter((pattern) => pattern.test(text)).length, 0));
		const matcher = timeBest(5, () => texts.reduce((count, text) => count + matchGroups(text).length, 0));
		console.log(`| ${label} | ${megaChars.toFixed(2)} | ${reference.seconds.toFixed(3)} | ${matcher.seconds.toFixed(3)} | ${(megaChars / matcher.seconds).toFixed(1)} | ${(reference.seconds / matcher.seconds).toFixed(2)} | ${matcher.result} |`);
		reportFigure({ measure: `matchGroups on ${label}: speed ratio`, value: reference.seconds / matcher.seconds, reference: `50 Dixon regexes ${reference.seconds.toFixed(3)} s; matcher ${matcher.seconds.toFixed(3)} s`, ratio: reference.seconds / matcher.seconds });
	}
}

async function ruleBenchmark() {
	if (!existsSync(file)) {
		process.stderr.write(`generating ${file}…\n`);
		await generate();
	}
	const size = statSync(file).size / (1024 * 1024);
	const reference = await measureNode([path.join(ROOT, 'bench', 'reference-loop.mjs'), file]);
	const fairness = await measureNode([CLI, 'check', '--category', 'fairness', '--format', 'json', file]);
	console.log(`\n## Fairness rules: ${size.toFixed(0)} MB chat file with identity terms (${path.basename(file)})\n`);
	console.log('| run | seconds | MB/s | ratio to reference loop | peak RSS MB |');
	console.log('| --- | ---: | ---: | ---: | ---: |');
	console.log(`| reference: readline + JSON.parse | ${reference.seconds.toFixed(1)} | ${(size / reference.seconds).toFixed(1)} | 1.00 | ${reference.peakMb.toFixed(0)} |`);
	const status = fairness.code === 0 || fairness.code === 1 ? '' : ` (exit ${fairness.code})`;
	console.log(`| check --category fairness${status} | ${fairness.seconds.toFixed(1)} | ${(size / fairness.seconds).toFixed(1)} | ${(reference.seconds / fairness.seconds).toFixed(2)} | ${fairness.peakMb.toFixed(0)} |`);
	reportFigure({ measure: `check --category fairness on ${size.toFixed(0)} MB: speed ratio${status}`, value: reference.seconds / fairness.seconds, reference: `readline + JSON.parse loop ${reference.seconds.toFixed(1)} s; this run ${fairness.seconds.toFixed(1)} s`, ratio: reference.seconds / fairness.seconds });
	reportFigure({ measure: `check --category fairness on ${size.toFixed(0)} MB: peak RSS${status}`, value: fairness.peakMb, unit: 'MB', reference: `reference loop ${reference.peakMb.toFixed(0)} MB`, ratio: fairness.peakMb / reference.peakMb });
}

await matcherBenchmark();
await ruleBenchmark();
