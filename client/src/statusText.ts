/**
 * The words shown in the Tunelint language status item and after a lint from disk. Pure, so the wording is the
 * same everywhere and can be checked without VS Code.
 */
import type { AnswerDistribution, StatusParams } from '../../server/src/protocol/messages';

/** What the language status item shows for one linted document. */
export interface StatusDescription {
	/** Short text: records and format. */
	text: string;
	/** Longer text: problems and time, plus the truncation note. */
	detail: string;
	/** `warning` when findings were cut off at `maxProblems`, so the user knows the list is incomplete. */
	severity: 'information' | 'warning';
}

/** Describes a status notification for the language status item. */
export function describeStatus(status: StatusParams): StatusDescription {
	const labels = status.labels === undefined ? '' : ` · labels: ${formatLabels(status.labels)}`;
	const answers = status.answers === undefined ? '' : ` · ${formatAnswers(status.answers)}`;
	const detail = `${formatProblems(status.problems)} · ${formatDuration(status.durationMs)}${labels}${answers}`;
	return {
		text: `${formatCount(status.records, 'record')} · ${status.format ?? 'unknown format'}`,
		detail: status.truncated ? `${detail} · list truncated at tunelint.maxProblems` : detail,
		severity: status.truncated ? 'warning' : 'information',
	};
}

/** One sentence summarising a lint of a file from disk, e.g. for a notification. */
export function summarizeLint(fileName: string, status: StatusParams): string {
	const format = status.format === null ? '' : ` (${status.format})`;
	const truncated = status.truncated ? ' The problem list was truncated at tunelint.maxProblems.' : '';
	return `${fileName}: ${formatCount(status.records, 'record')}${format}, ${formatProblems(status.problems)}, in ${formatDuration(status.durationMs)}.${truncated}`;
}

/** How many labels the status item names before summing up the rest. */
const SHOWN_LABELS = 6;

/**
 * `ham 4,827 (87%), spam 747 (13%)`, most frequent first; beyond six labels the rest are summed up, so the status
 * item stays one line even for a hundred classes.
 */
export function formatLabels(labels: Record<string, number>): string {
	const entries = Object.entries(labels).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	const total = entries.reduce((sum, [, count]) => sum + count, 0);
	const describe = ([label, count]: [string, number]): string => `${label === '' ? '(empty)' : label} ${count.toLocaleString('en-US')} (${total === 0 ? 0 : Math.round((100 * count) / total)}%)`;
	const shown = entries.slice(0, SHOWN_LABELS).map(describe);
	const hidden = entries.length - SHOWN_LABELS;
	return hidden > 0 ? `${shown.join(', ')} and ${hidden} more` : shown.join(', ');
}

/**
 * Generative answers in place of labels: `answers: median 212 characters (10–90%: 40–800), first words: sure 75%,
 * well 25%`; the shares are of all answers.
 */
export function formatAnswers(answers: AnswerDistribution): string {
	const words = Object.entries(answers.firstWords).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.map(([word, count]) => `${word} ${answers.count === 0 ? 0 : Math.round((100 * count) / answers.count)}%`);
	const { p10, median, p90 } = answers.length;
	return `answers: median ${median.toLocaleString('en-US')} characters (10–90%: ${p10.toLocaleString('en-US')}–${p90.toLocaleString('en-US')})${words.length > 0 ? `, first words: ${words.join(', ')}` : ''}`;
}

/** `2 errors, 1 warning` or `no problems`; info findings are counted too. */
export function formatProblems(problems: StatusParams['problems']): string {
	const parts = [
		problems.error > 0 ? formatCount(problems.error, 'error') : '',
		problems.warning > 0 ? formatCount(problems.warning, 'warning') : '',
		problems.info > 0 ? formatCount(problems.info, 'info') : '',
	].filter((part) => part !== '');
	return parts.length > 0 ? parts.join(', ') : 'no problems';
}

/** `850 ms` below two seconds, `4.2 s` below two minutes, `3 min 5 s` above. */
export function formatDuration(milliseconds: number): string {
	if (!Number.isFinite(milliseconds) || milliseconds < 0) {
		return 'unknown time';
	}
	if (milliseconds < 2000) {
		return `${Math.round(milliseconds)} ms`;
	}
	const seconds = milliseconds / 1000;
	if (seconds < 120) {
		return `${seconds.toFixed(1)} s`;
	}
	return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** `1 record`, `12,345 records`; `info` stays `info` in the plural. */
export function formatCount(count: number, noun: string): string {
	const plural = count === 1 || noun === 'info' ? noun : `${noun}s`;
	return `${count.toLocaleString('en-US')} ${plural}`;
}

/** Checks that a value received from the server has the StatusParams shape before the UI trusts it. */
export function isStatusParams(value: unknown): value is StatusParams {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const candidate = value as Partial<Record<keyof StatusParams, unknown>>;
	const problems = candidate.problems as Partial<Record<'error' | 'warning' | 'info', unknown>> | null | undefined;
	return typeof candidate.uri === 'string'
		&& typeof candidate.records === 'number'
		&& (candidate.format === null || typeof candidate.format === 'string')
		&& typeof problems === 'object' && problems !== null
		&& typeof problems.error === 'number' && typeof problems.warning === 'number' && typeof problems.info === 'number'
		&& typeof candidate.truncated === 'boolean'
		&& typeof candidate.durationMs === 'number'
		&& (candidate.labels === undefined || isCounts(candidate.labels))
		&& (candidate.answers === undefined || isAnswers(candidate.answers));
}

function isCounts(value: unknown): value is Record<string, number> {
	return typeof value === 'object' && value !== null && Object.values(value).every((count) => typeof count === 'number');
}

function isAnswers(value: unknown): value is AnswerDistribution {
	const answers = value as Partial<AnswerDistribution> | null;
	const length = answers?.length as Partial<AnswerDistribution['length']> | null | undefined;
	return typeof answers === 'object' && answers !== null && typeof answers.count === 'number'
		&& typeof length?.p10 === 'number' && typeof length.median === 'number' && typeof length.p90 === 'number'
		&& isCounts(answers.firstWords);
}
