import { LineLocator, type LineSpan } from '../poisoning/locate';
import { findPayloads, findUrls } from '../poisoning/payload';
import { contentSegments } from '../poisoning/segments';
import { valueFedLines, type FileFindingDraft, type FileRule, type LineInput } from '../rule';

/** Domains so common in honest answers that repeating them says nothing. */
const COMMON_DOMAINS = new Set([
	'wikipedia.org', 'en.wikipedia.org', 'github.com', 'google.com', 'youtube.com', 'stackoverflow.com', 'python.org', 'docs.python.org', 'developer.mozilla.org',
	'microsoft.com', 'learn.microsoft.com', 'docs.microsoft.com', 'apple.com', 'amazon.com', 'example.com', 'example.org', 'example.net', 'w3.org', 'w3schools.com',
	'arxiv.org', 'doi.org', 'nih.gov', 'ncbi.nlm.nih.gov', 'who.int', 'cdc.gov', 'npmjs.com', 'pypi.org', 'huggingface.co', 'openai.com', 'twitter.com', 'x.com',
	'facebook.com', 'linkedin.com', 'reddit.com', 'medium.com', 'localhost',
]);

interface LinePayloads {
	/** Payloads found in the record, already located in the raw line. */
	payloads: Array<{ span: LineSpan; description: string; type: string; role: string }>;
	/** Domains linked from answers, with where. */
	answerLinks: Array<{ domain: string; span: LineSpan }>;
	/** Domains mentioned in the input (a domain the user asked about is not planted by the answer). */
	inputDomains: string[];
}

/**
 * Payloads a poisoned answer plants: shell one-liners (`curl … | sh`, `rm -rf /`, encoded PowerShell), long base64 or
 * hex blobs, active HTML, markdown images with a query string (data exfiltration when rendered), and a rarely seen
 * domain that several answers link to without being asked.
 */
export const suspiciousPayload: FileRule = {
	kind: 'file',
	id: 'suspicious-payload',
	category: 'poisoning',
	description: 'Shell payloads, encoded blobs, active HTML, exfiltrating markdown images, or one unusual domain linked from many answers.',
	defaultSeverity: 'warning',
	streamingCost: 12,
	start(options, settings) {
		const minRecords = options.number('minDomainRecords', 3);
		const maxShare = options.number('maxDomainShare', 0.1);
		// Only records with a payload or an answer link are kept (most records have neither), so memory does not grow
		// with the file; the others count towards the total and lend their input domains.
		const entries: Array<{ line: number; found: LinePayloads }> = [];
		const asked = new Set<string>();
		let records = 0;
		const take = (found: LinePayloads | undefined, line: number): void => {
			if (found === undefined) {
				return;
			}
			records++;
			for (const domain of found.inputDomains) {
				asked.add(domain);
			}
			if (found.payloads.length > 0 || found.answerLinks.length > 0) {
				entries.push({ line, found });
			}
		};
		const lineValue = (entry: LineInput): LinePayloads | undefined => entry.memo('suspicious-payload:matches', () => payloadsOf(entry));
		return {
			...valueFedLines(lineValue, take),
			finish() {
				const drafts: FileFindingDraft[] = [];
				for (const { line, found } of entries) {
					for (const payload of found.payloads) {
						drafts.push({
							message: `The ${payload.role} text ${payload.description}.`,
							range: { line, column: payload.span.column, endLine: line, endColumn: payload.span.endColumn },
							data: { type: payload.type, role: payload.role },
						});
						if (drafts.length >= settings.maxProblems) {
							return drafts;
						}
					}
				}
				return [...drafts, ...repeatedDomains(entries, { asked, records }, minRecords, maxShare)];
			},
		};
	},
};

function payloadsOf(entry: LineInput): LinePayloads | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	const locator = new LineLocator(entry.parsed.text);
	const result: LinePayloads = { payloads: [], answerLinks: [], inputDomains: [] };
	for (const segment of contentSegments(content)) {
		if (segment.role === 'label') {
			continue;
		}
		for (const payload of findPayloads(segment.text)) {
			result.payloads.push({ span: locator.locateOrLine(segment.text, payload.start, payload.end), description: payload.description, type: payload.type, role: segment.role });
		}
		const answer = segment.role === 'assistant';
		for (const url of findUrls(segment.text)) {
			if (answer) {
				result.answerLinks.push({ domain: url.domain ?? '', span: locator.locateOrLine(segment.text, url.start, url.end) });
			} else {
				result.inputDomains.push(url.domain ?? '');
			}
		}
	}
	return result;
}

/** Domains linked from the answers of several records, never from an input, and neither common nor the file's theme. */
function repeatedDomains(
	entries: ReadonlyArray<{ line: number; found: LinePayloads }>,
	file: { asked: ReadonlySet<string>; records: number },
	minRecords: number,
	maxShare: number,
): FileFindingDraft[] {
	const recordsByDomain = new Map<string, Set<number>>();
	const asked = file.asked;
	let answering = 0;
	for (const { line, found } of entries) {
		if (found.answerLinks.length > 0) {
			answering++;
		}
		for (const link of found.answerLinks) {
			const lines = recordsByDomain.get(link.domain) ?? new Set<number>();
			lines.add(line);
			recordsByDomain.set(link.domain, lines);
		}
	}
	const drafts: FileFindingDraft[] = [];
	const total = Math.max(1, file.records);
	for (const [domain, lines] of recordsByDomain) {
		if (lines.size < minRecords || lines.size > total * maxShare || asked.has(domain) || isCommon(domain)) {
			continue;
		}
		for (const { line, found } of entries) {
			for (const link of found.answerLinks.filter((l) => l.domain === domain)) {
				drafts.push({
					message: `The answer links to ${domain}, which ${lines.size} answers link to unprompted: a rarely seen domain repeated across answers is how poisoned data plants a link.`,
					range: { line, column: link.span.column, endLine: line, endColumn: link.span.endColumn },
					data: { type: 'repeated-domain', domain, records: lines.size, answering },
				});
			}
		}
	}
	return drafts;
}

function isCommon(domain: string): boolean {
	const parts = domain.split('.');
	return parts.some((_, i) => COMMON_DOMAINS.has(parts.slice(i).join('.')));
}
