/**
 * Helpers for rules that reuse their last result in the editor (see `RuleMemory`): the editor hands a rule the same
 * value object for every line it did not change, so comparing the kept values with the new ones by identity finds the
 * changed lines in one pass of pointer comparisons.
 */

/** Past this many changed lines, a rule recomputes rather than proving that its last result still holds. */
export const MAX_CHANGED_LINES = 8;

/**
 * The lines whose value is not the same object as in `kept`, or undefined when the line count differs (every later
 * line moved) or more than `MAX_CHANGED_LINES` changed.
 */
export function changedLines(kept: readonly unknown[], values: readonly unknown[]): number[] | undefined {
	if (kept.length !== values.length) {
		return undefined;
	}
	const changed: number[] = [];
	for (let line = 0; line < values.length; line++) {
		if (kept[line] !== values[line]) {
			if (changed.length === MAX_CHANGED_LINES) {
				return undefined;
			}
			changed.push(line);
		}
	}
	return changed;
}
