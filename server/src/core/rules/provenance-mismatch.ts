import { isObservation, mismatchDrafts } from '../provenance/observation';
import type { FileRule } from '../rule';

/**
 * A dataset file whose SHA-256 is not the one in the lock file. Hashing needs the file's bytes, so the adapters
 * (CLI, language server) compute the observation while they read the file and call `provenanceFindings`; inside
 * the engine the rule only reports an observation handed to it in `ruleOptions['provenance-mismatch'].observation`
 * (how the golden fixtures exercise the wording). Its `lockFile` option names the lock file.
 */
export const provenanceMismatch: FileRule = {
	kind: 'file',
	id: 'provenance-mismatch',
	category: 'provenance',
	description: 'The file\'s SHA-256 differs from its entry in the lock file: it changed since someone reviewed and locked it.',
	defaultSeverity: 'error',
	start(options) {
		return {
			add() {
				// The verdict comes from the bytes, which the adapter hashes; lines add nothing.
			},
			finish() {
				const observation = options.raw('observation');
				return isObservation(observation) ? mismatchDrafts(observation) : [];
			},
		};
	},
};
