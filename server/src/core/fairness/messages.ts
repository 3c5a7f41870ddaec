/** Wording shared by the fairness rules. */
import type { FileFindingDraft } from '../rule';

/** A fraction as a percentage with at most one decimal ("7.5%", "40%"). */
export function percent(fraction: number): string {
	const value = Math.round(fraction * 1000) / 10;
	return `${value}%`;
}

/** A p-value for messages: "p < 1e-12" below that, otherwise two significant digits. */
export function formatPValue(pValue: number): string {
	if (pValue < 1e-12) {
		return 'p < 1e-12';
	}
	return `p = ${pValue < 0.001 ? pValue.toExponential(1) : pValue.toPrecision(2)}`;
}

/** The finding that reports a malformed user lexicon (the built-in lexicon stays in force). */
export function lexiconErrorFinding(error: string): FileFindingDraft {
	return { message: error.charAt(0).toUpperCase() + error.slice(1) + '.', severity: 'warning', data: { lexiconError: error } };
}
