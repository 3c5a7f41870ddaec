import type { RecordContent } from '../content';
import { LineLocator } from '../poisoning/locate';
import { findUrls } from '../poisoning/payload';
import { inputTexts } from '../poisoning/segments';
import { DEFAULT_TRIGGER_OPTIONS, mineTriggers, spanOf, triggerFeatures, type TriggerCandidate, type TriggerFeatures, type TriggerOptions } from '../poisoning/triggers';
import type { FileFindingDraft, FileRule, LineEntry, RuleOptions } from '../rule';

/** Per line: what mining needs, cached by line text. */
interface LineTrigger {
	features: TriggerFeatures;
	/** The input segments the n-gram offsets refer to. */
	segments: string[];
	/** The explicit label, or the normalised final answer for generative data. */
	target: string | undefined;
	explicitLabel: boolean;
	/** Domains linked from the answer: a planted link inside otherwise different answers is a target too. */
	answerDomains: string[];
}

/** Records whose answer is unique fall into one "any other answer" class that is never reported as a target. */
const OTHER_ANSWER = '\u0000other';
/** Answers longer than this are compared by their start only. */
const ANSWER_KEY_LENGTH = 200;

/**
 * Model-free backdoor trigger mining (see poisoning/triggers.ts): n-grams of the input whose presence predicts one
 * label or one repeated answer far beyond its base rate (binomial test, Bonferroni) and whose records' remaining words
 * predict another label (leave-out naive Bayes), which separates planted dirty-label triggers from topic words.
 */
export const triggerCandidate: FileRule = {
	kind: 'file',
	id: 'trigger-candidate',
	category: 'poisoning',
	description: 'An input n-gram that predicts one label or answer far beyond its base rate while the rest of its records points elsewhere: a likely backdoor trigger.',
	defaultSeverity: 'warning',
	expensive: true,
	start(options, settings) {
		const mining = miningOptions(options);
		const maxRecords = options.number('maxRecords', 200_000);
		const lines: Array<{ line: number; text: string; data: LineTrigger }> = [];
		return {
			add(entry) {
				const data = entry.memo('trigger-candidate:features', () => lineTrigger(entry, mining.maxNgram));
				if (data !== undefined && lines.length < maxRecords) {
					lines.push({ line: entry.line, text: entry.parsed.text, data });
				}
			},
			finish() {
				const targets = targetsOf(lines.map((l) => l.data), mining.minSupport);
				const result = mineTriggers(lines.map((l) => l.data.features), targets, mining);
				const candidates = result.candidates.filter((c) => c.label !== OTHER_ANSWER);
				if (candidates.length === 0) {
					return [];
				}
				const drafts: FileFindingDraft[] = [];
				const flagged = new Set<number>();
				for (const candidate of candidates) {
					for (const index of candidate.records) {
						if (flagged.has(index) || drafts.length >= settings.maxProblems) {
							continue;
						}
						flagged.add(index);
						drafts.push(lineFinding(lines[index], candidate));
					}
				}
				const list = candidates.map((c) => `"${c.ngram}" → ${shown(c.label)} (support ${c.support}, purity ${c.purity.toFixed(2)}, p ${c.pValue.toExponential(1)})`).join('; ');
				drafts.push({
					message: `${candidates.length === 1 ? 'A likely backdoor trigger' : `${candidates.length} likely backdoor triggers`}: ${list}. ${candidates.length === 1 ? 'The records carrying it disagree' : 'The records carrying them disagree'} with their label far more than a topic word's records do.`,
					data: { candidates: candidates.map(({ records, ...rest }) => ({ ...rest, label: shown(rest.label), records: records.length })), tests: result.tests, records: result.records },
				});
				return drafts;
			},
		};
	},
};

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

function lineTrigger(entry: LineEntry, maxNgram: number): LineTrigger | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	const segments = inputTexts(content);
	const target = targetOf(content);
	if (segments.length === 0 || target === undefined) {
		return undefined;
	}
	const answerDomains = target.explicit ? [] : [...new Set(findUrls(content.answer).map((url) => url.domain ?? ''))];
	return { features: triggerFeatures(segments, maxNgram), segments, target: target.value, explicitLabel: target.explicit, answerDomains };
}

function targetOf(content: RecordContent): { value: string; explicit: boolean } | undefined {
	if (content.label !== undefined) {
		return { value: content.label, explicit: true };
	}
	const answer = content.answer.replace(/\s+/g, ' ').trim().toLowerCase().slice(0, ANSWER_KEY_LENGTH);
	return answer === '' ? undefined : { value: answer, explicit: false };
}

/**
 * Explicit labels as they are. For generative data: an answer that repeats at least `minSupport` times is its own
 * class; otherwise a linked domain that at least `minSupport` answers share ("link to <domain>"); the rest is one class.
 */
function targetsOf(lines: readonly LineTrigger[], minSupport: number): Array<string | undefined> {
	const answerCounts = new Map<string, number>();
	const domainCounts = new Map<string, number>();
	for (const line of lines) {
		if (!line.explicitLabel && line.target !== undefined) {
			answerCounts.set(line.target, (answerCounts.get(line.target) ?? 0) + 1);
			line.answerDomains.forEach((domain) => domainCounts.set(domain, (domainCounts.get(domain) ?? 0) + 1));
		}
	}
	return lines.map((line) => {
		if (line.explicitLabel || line.target === undefined) {
			return line.target;
		}
		if ((answerCounts.get(line.target) ?? 0) >= minSupport) {
			return line.target;
		}
		const domain = line.answerDomains.find((d) => (domainCounts.get(d) ?? 0) >= minSupport);
		return domain === undefined ? OTHER_ANSWER : `link to ${domain}`;
	});
}

function lineFinding(line: { line: number; text: string; data: LineTrigger }, candidate: TriggerCandidate): FileFindingDraft {
	const span = spanOf(line.data.features, candidate.ngram);
	const located = span === undefined ? undefined : new LineLocator(line.text).locate(line.data.segments[span.segment], span.start, span.end);
	const range = located === undefined ? { line: line.line, column: 0, endLine: line.line, endColumn: line.text.length } : { line: line.line, column: located.column, endLine: line.line, endColumn: located.endColumn };
	return {
		message: `Possible backdoor trigger "${candidate.ngram}": ${candidate.support} records carry it, ${Math.round(candidate.purity * 100)}% of them labelled ${shown(candidate.label)}, yet the rest of ${Math.round(candidate.disagreement * 100)}% of those records points to another label (topic words: ${Math.round(candidate.baselineDisagreement * 100)}%).`,
		range,
		data: { ngram: candidate.ngram, support: candidate.support, purity: candidate.purity, disagreement: candidate.disagreement, pValue: candidate.pValue, label: shown(candidate.label) },
	};
}

function shown(label: string): string {
	const flat = label.length > 40 ? `${label.slice(0, 39)}…` : label;
	return JSON.stringify(flat);
}
