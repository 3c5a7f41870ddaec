import type { RecordContent } from '../content';
import { LineLocator } from '../poisoning/locate';
import { findUrls } from '../poisoning/payload';
import { inputTexts } from '../poisoning/segments';
import { DEFAULT_TRIGGER_OPTIONS, mineTriggerSteps, spanOf, triggerFeatures, type TriggerCandidate, type TriggerFeatures, type TriggerOptions } from '../poisoning/triggers';
import { detachedString } from '../poisoning/columns';
import { BudgetSample, CappedCounter } from '../poisoning/sampling';
import { runStepsPausing } from '../poisoning/steps';
import type { FileFindingDraft, FileRule, LineEntry, RuleOptions } from '../rule';

/** What every record contributes, sampled or not: its input, its target and the domains its answer links to. */
interface LineTarget {
	/** The input segments (clipped to `maxInputChars`) the n-gram offsets refer to. */
	segments: string[];
	/** The explicit label, or the normalised final answer for generative data. */
	target: string;
	explicitLabel: boolean;
	/** Domains linked from the answer: a planted link inside otherwise different answers is a target too. */
	answerDomains: string[];
}

/** A sampled record's mining features, cached by line text. */
interface LineTrigger extends LineTarget {
	features: TriggerFeatures;
}

/** A sampled record: its line, its raw text (to place the finding) and its mining features. */
interface SampledLine {
	line: number;
	text: string;
	data: LineTrigger;
}

/** Records whose answer is unique fall into one "any other answer" class that is never reported as a target. */
const OTHER_ANSWER = '\u0000other';
/** Answers longer than this are compared by their start only. */
const ANSWER_KEY_LENGTH = 200;

/** Records mined at most, and the memory their features may take (an estimate, see `sampleCost`). */
const DEFAULT_SAMPLE_SIZE = 20_000;
const DEFAULT_SAMPLE_MEGABYTES = 64;
/** Line findings built between two pauses of the finish step (each one searches its record's line). */
const FINDING_CHUNK = 256;
/** Input characters of one record that are mined; a trigger sits in the input a reader sees, not at its far end. */
const DEFAULT_MAX_INPUT_CHARS = 4000;
/** Distinct answers and domains counted exactly; beyond, a fixed-size sketch counts them (never under-counting). */
const EXACT_COUNT_KEYS = 50_000;

/**
 * Model-free backdoor trigger mining (see poisoning/triggers.ts): n-grams of the input whose presence predicts one
 * label or one repeated answer far beyond its base rate (binomial test, Bonferroni) and whose records' remaining words
 * predict another label (leave-out naive Bayes), which separates planted dirty-label triggers from topic words.
 *
 * Memory is bounded on huge files: mining runs on a seeded uniform sample of at most `sampleSize` records and about
 * `sampleMegabytes` of features (the whole file when it fits), while repeated answers and linked domains are counted
 * over every record. Findings say when they come from a sample. The finish step pauses between chunks of the mining
 * work, so that a newer lint cancels it promptly.
 */
export const triggerCandidate: FileRule = {
	kind: 'file',
	id: 'trigger-candidate',
	category: 'poisoning',
	description: 'An input n-gram that predicts one label or answer far beyond its base rate while the rest of its records points elsewhere: a likely backdoor trigger.',
	defaultSeverity: 'warning',
	streamingCost: 27,
	expensive: true,
	start(options, settings) {
		const mining = miningOptions(options);
		const sampleSize = options.number('sampleSize', options.number('maxRecords', DEFAULT_SAMPLE_SIZE));
		const sample = new BudgetSample<SampledLine>(sampleSize, options.number('sampleMegabytes', DEFAULT_SAMPLE_MEGABYTES) * 1024 * 1024, options.number('sampleSeed', 1));
		const maxInputChars = options.number('maxInputChars', DEFAULT_MAX_INPUT_CHARS);
		const answerCounts = new CappedCounter(EXACT_COUNT_KEYS);
		const domainCounts = new CappedCounter(EXACT_COUNT_KEYS);
		return {
			add(entry) {
				const target = entry.memo('trigger-candidate:target', () => lineTarget(entry, maxInputChars));
				if (target === undefined) {
					return;
				}
				if (!target.explicitLabel) {
					answerCounts.add(target.target);
					target.answerDomains.forEach((domain) => domainCounts.add(domain));
				}
				sample.offer(sampleCost(target, entry.parsed.text), () => ({
					line: entry.line,
					text: detachedString(entry.parsed.text),
					data: entry.memo('trigger-candidate:features', () => ({ ...target, features: triggerFeatures(target.segments, mining.maxNgram) })),
				}));
			},
			async finish(_summary, control) {
				const pause = (): Promise<void> => control.pause();
				const lines = sample.items().sort((a, b) => a.line - b.line);
				await pause();
				const targets = lines.map((l) => targetClass(l.data, answerCounts, domainCounts, mining.minSupport));
				await pause();
				const result = await runStepsPausing(mineTriggerSteps(lines.map((l) => l.data.features), targets, mining), pause);
				const candidates = result.candidates.filter((c) => c.label !== OTHER_ANSWER);
				if (candidates.length === 0) {
					return [];
				}
				const sampled = sample.sampled ? { sampleSize: lines.length, records: sample.seen } : undefined;
				const drafts: FileFindingDraft[] = [];
				const flagged = new Set<number>();
				for (const candidate of candidates) {
					for (const index of candidate.records) {
						if (flagged.has(index) || drafts.length >= settings.maxProblems) {
							continue;
						}
						flagged.add(index);
						if (drafts.length % FINDING_CHUNK === 0) {
							await pause();
						}
						drafts.push(lineFinding(lines[index], candidate, sampled));
					}
				}
				const list = candidates.map((c) => `"${c.ngram}" → ${shown(c.label)} (support ${c.support}, purity ${c.purity.toFixed(2)}, p ${c.pValue.toExponential(1)})`).join('; ');
				const sampleNote = sampled === undefined ? '' : ` Mined on a seeded random sample of ${sampled.sampleSize.toLocaleString('en-US')} of ${sampled.records.toLocaleString('en-US')} records (options sampleSize, sampleMegabytes): only sampled records are marked, so search the file for the n-gram to find the others.`;
				drafts.push({
					message: `${candidates.length === 1 ? 'A likely backdoor trigger' : `${candidates.length} likely backdoor triggers`}: ${list}. ${candidates.length === 1 ? 'The records carrying it disagree' : 'The records carrying them disagree'} with their label far more than a topic word's records do.${sampleNote}`,
					data: { candidates: candidates.map(({ records, ...rest }) => ({ ...rest, label: shown(rest.label), records: records.length })), tests: result.tests, records: result.records, ...(sampled === undefined ? {} : { sampled: true, ...sampled }) },
				});
				return drafts;
			},
		};
	},
};

/**
 * The memory a sampled record takes, estimated: about 32 bytes per mined input character (tokens, offsets, n-gram
 * hashes and the word bag, measured on chat data) plus the raw line and a fixed overhead.
 */
function sampleCost(target: LineTarget, lineText: string): number {
	let inputChars = 0;
	for (const segment of target.segments) {
		inputChars += segment.length;
	}
	return 32 * inputChars + lineText.length + 512;
}

function miningOptions(options: RuleOptions): TriggerOptions {
	const defaults = DEFAULT_TRIGGER_OPTIONS;
	return {
		minSupport: options.number('minSupport', defaults.minSupport),
		maxNgram: options.number('maxNgram', defaults.maxNgram),
		alpha: options.number('alpha', defaults.alpha),
		minPurity: options.number('minPurity', defaults.minPurity),
		minDisagreement: options.number('minDisagreement', defaults.minDisagreement),
		maxCandidates: options.number('maxCandidates', defaults.maxCandidates),
	};
}

function lineTarget(entry: LineEntry, maxInputChars: number): LineTarget | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	const segments = clipped(inputTexts(content), maxInputChars);
	const target = targetOf(content);
	if (segments.length === 0 || target === undefined) {
		return undefined;
	}
	const answerDomains = target.explicit ? [] : [...new Set(findUrls(content.answer).map((url) => url.domain ?? ''))];
	return { segments, target: target.value, explicitLabel: target.explicit, answerDomains };
}

/** The segments cut to `budget` characters in all: later segments, then the end of the last one, are left out. */
function clipped(segments: readonly string[], budget: number): string[] {
	const kept: string[] = [];
	let left = budget;
	for (const segment of segments) {
		if (left <= 0) {
			break;
		}
		kept.push(segment.length <= left ? segment : detachedString(segment.slice(0, left)));
		left -= segment.length;
	}
	return kept;
}

function targetOf(content: RecordContent): { value: string; explicit: boolean } | undefined {
	if (content.label !== undefined) {
		return { value: content.label, explicit: true };
	}
	const answer = answerKey(content.answer);
	return answer === '' ? undefined : { value: answer, explicit: false };
}

/**
 * The answer with whitespace collapsed, trimmed, lowercased and cut to ANSWER_KEY_LENGTH. Only a prefix of the answer is
 * normalised (grown until it gives enough characters): this runs on every record, and answers can be long.
 */
function answerKey(answer: string): string {
	for (let take = ANSWER_KEY_LENGTH * 4; ; take *= 2) {
		const part = answer.length > take ? answer.slice(0, take) : answer;
		const key = part.replace(/\s+/g, ' ').trim().toLowerCase();
		if (key.length > ANSWER_KEY_LENGTH || part === answer) {
			return detachedString(key.slice(0, ANSWER_KEY_LENGTH));
		}
	}
}

/**
 * Explicit labels as they are. For generative data: an answer that repeats at least `minSupport` times in the file is
 * its own class; otherwise a linked domain that at least `minSupport` answers share ("link to <domain>"); the rest is
 * one class. The counts cover every record, sampled or not.
 */
function targetClass(line: LineTrigger, answerCounts: CappedCounter, domainCounts: CappedCounter, minSupport: number): string | undefined {
	if (line.explicitLabel) {
		return line.target;
	}
	if (answerCounts.count(line.target) >= minSupport) {
		return line.target;
	}
	const domain = line.answerDomains.find((d) => domainCounts.count(d) >= minSupport);
	return domain === undefined ? OTHER_ANSWER : `link to ${domain}`;
}

function lineFinding(line: SampledLine, candidate: TriggerCandidate, sampled: { sampleSize: number; records: number } | undefined): FileFindingDraft {
	const span = spanOf(line.data.features, candidate.ngram);
	const located = span === undefined ? undefined : new LineLocator(line.text).locate(line.data.segments[span.segment], span.start, span.end);
	const range = located === undefined ? { line: line.line, column: 0, endLine: line.line, endColumn: line.text.length } : { line: line.line, column: located.column, endLine: line.line, endColumn: located.endColumn };
	return {
		message: `Possible backdoor trigger "${candidate.ngram}": ${candidate.support} records carry it, ${Math.round(candidate.purity * 100)}% of them labelled ${shown(candidate.label)}, yet the rest of ${Math.round(candidate.disagreement * 100)}% of those records points to another label (topic words: ${Math.round(candidate.baselineDisagreement * 100)}%)${sampled === undefined ? '' : `; counted in a random sample of ${sampled.sampleSize.toLocaleString('en-US')} of ${sampled.records.toLocaleString('en-US')} records`}.`,
		range,
		data: { ngram: candidate.ngram, support: candidate.support, purity: candidate.purity, disagreement: candidate.disagreement, pValue: candidate.pValue, label: shown(candidate.label), ...(sampled === undefined ? {} : { sampled: true, ...sampled }) },
	};
}

function shown(label: string): string {
	const flat = label.length > 40 ? `${label.slice(0, 39)}…` : label;
	return JSON.stringify(flat);
}
