import { describeHistory, provenanceState } from '../core/provenance/observation';
import type { EntryVerification } from './operations';

/** One line per verified entry, `ok   path` or `FAIL path: why`; shared by `tunelint lock verify` and the editor. */
export function describeVerification(result: EntryVerification, requireSignature: boolean): string {
	if ('missing' in result) {
		return `FAIL ${result.path}: ${result.missing}`;
	}
	const { observation } = result;
	const problems: string[] = [];
	if (provenanceState(observation) === 'modified' && observation.entry !== undefined) {
		const entry = observation.entry;
		const digest = observation.digest;
		const detail = [
			entry.size === digest.size ? '' : `size ${entry.size} → ${digest.size} bytes`,
			entry.records === digest.records ? '' : `records ${entry.records} → ${digest.records}`,
		].filter((part) => part !== '').join(', ');
		const history = observation.history === undefined ? '' : ` ${describeHistory(observation.history)}`;
		problems.push(`hash differs from the lock (locked ${entry.lockedAt.slice(0, 10)}${detail === '' ? '; same size and record count' : `; ${detail}`}).${history}`);
	}
	const signature = observation.signature;
	if (signature?.status === 'invalid') {
		problems.push(`signature does not verify with ${signature.key}: ${signature.reason}.`);
	} else if (signature?.status === 'unsigned' && requireSignature) {
		problems.push('not signed, and signatures are required.');
	}
	if (problems.length > 0) {
		return `FAIL ${result.path}: ${problems.join(' ')}`;
	}
	return `ok   ${result.path}${signature?.status === 'valid' ? ` (signature verified, ${signature.key})` : ''}`;
}
