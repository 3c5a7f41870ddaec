import { isObservation, unlockedDrafts } from '../provenance/observation';
import type { FileRule } from '../rule';

/**
 * A dataset file with no entry in the lock file. Off by default: many projects lock only what they train on. Like
 * provenance-mismatch, the adapters supply the observation (see that rule).
 */
export const provenanceUnlocked: FileRule = {
	kind: 'file',
	id: 'provenance-unlocked',
	category: 'provenance',
	description: 'A dataset file that has no entry in the lock file, so nothing records where it came from.',
	defaultSeverity: 'info',
	offByDefault: true,
	start(options) {
		return {
			add() {
				// Whether the file is locked does not depend on its lines.
			},
			finish() {
				const observation = options.raw('observation');
				return isObservation(observation) ? unlockedDrafts(observation) : [];
			},
		};
	},
};
