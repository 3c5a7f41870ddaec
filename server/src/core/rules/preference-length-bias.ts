import { binomialUpperTail } from '../balance/measures';
import type { FileRule } from '../rule';

/**
 * Pairwise preference data where the chosen answer is usually the longer one: a reward model (or DPO) learns
 * "longer is better" instead of the preference. Reported when the share of pairs whose chosen answer is longer is
 * outside [0.5 − margin, 0.5 + margin] (default margin 0.15) and a two-sided binomial test against one half rejects
 * at p < 0.01. Ties in length are not counted.
 */
export const preferenceLengthBias: FileRule = {
	kind: 'file',
	id: 'preference-length-bias',
	category: 'balance',
	description: 'In pairwise preference data, the chosen answer is longer (or shorter) than the rejected one far more often than half the time.',
	defaultSeverity: 'warning',
	start(options) {
		const margin = options.number('margin', 0.15);
		let longer = 0;
		let shorter = 0;
		let chosenChars = 0;
		let rejectedChars = 0;
		// Every pair counts in the mean lengths, ties included; only the share leaves ties out.
		let measured = 0;
		return {
			add(entry) {
				const content = entry.content();
				if (content?.chosen === undefined || content.rejected === undefined) {
					return;
				}
				const chosen = content.chosen.length;
				const rejected = content.rejected.length;
				chosenChars += chosen;
				rejectedChars += rejected;
				measured++;
				if (chosen > rejected) {
					longer++;
				} else if (chosen < rejected) {
					shorter++;
				}
			},
			finish() {
				const pairs = longer + shorter;
				if (pairs < 10) {
					return [];
				}
				const share = longer / pairs;
				const pValue = Math.min(1, 2 * binomialUpperTail(Math.max(longer, shorter), pairs, 0.5));
				if (Math.abs(share - 0.5) <= margin || pValue >= 0.01) {
					return [];
				}
				const direction = share > 0.5 ? 'longer' : 'shorter';
				return [{
					message: `The chosen answer is ${direction} than the rejected one in ${(100 * Math.max(share, 1 - share)).toFixed(1)}% of ${pairs.toLocaleString('en-US')} pairs (binomial p = ${pValue.toExponential(1)}): a reward model learns length, not preference. Mean length: chosen ${Math.round(chosenChars / measured)}, rejected ${Math.round(rejectedChars / measured)} characters.`,
					data: { pairs, chosenLongerShare: share, pValue, meanChosenChars: chosenChars / measured, meanRejectedChars: rejectedChars / measured, margin },
				}];
			},
		};
	},
};
