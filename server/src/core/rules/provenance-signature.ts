import { isObservation, signatureDrafts } from '../provenance/observation';
import type { FileRule } from '../rule';

/**
 * A lock entry whose Ed25519 signature does not verify with the public key the user named (option `publicKey`, a
 * PEM file, or `tunelint lock verify --key`); with `requireSignature: true`, an unsigned entry too. Verifying needs
 * Node's crypto, so the adapters supply the verdict (see provenance-mismatch).
 */
export const provenanceSignature: FileRule = {
	kind: 'file',
	id: 'provenance-signature',
	category: 'provenance',
	description: 'A lock entry whose signature does not verify with the named public key: the entry was edited after signing or signed by someone else.',
	defaultSeverity: 'error',
	start(options) {
		const requireSignature = options.boolean('requireSignature', false);
		return {
			add() {
				// The signature covers the lock entry, not the lines.
			},
			finish() {
				const observation = options.raw('observation');
				return isObservation(observation) ? signatureDrafts(observation, requireSignature) : [];
			},
		};
	},
};
