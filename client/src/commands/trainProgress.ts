/**
 * The text of the fine-tune's progress notification, from the JSON progress lines that `tunelint train --format json`
 * writes on stderr (see server/src/cli/train.ts). Pure, so that it is tested without VS Code.
 */

/** A progress line of `tunelint train --format json`. */
export interface ProgressLine {
	type: string;
	stage?: string;
	message?: string;
	fit?: number;
	fits?: number;
	epoch?: number;
	epochs?: number;
	batch?: number;
	batches?: number;
	etaSeconds?: number;
	loss?: number;
	valLoss?: number;
	valAccuracy?: number;
}

/** Parses one stderr line; undefined for the CLI's plain-text lines (messages and errors). */
export function parseProgressLine(line: string): ProgressLine | undefined {
	if (!line.startsWith('{')) {
		return undefined;
	}
	try {
		return JSON.parse(line) as ProgressLine;
	} catch {
		return undefined;
	}
}

/** What the notification has seen: the fit of the newest batch line, and the last epoch that ended since. */
export interface ProgressState {
	fit: number;
	lastEpoch?: ProgressLine;
}

export const INITIAL_PROGRESS: ProgressState = { fit: 0 };

/**
 * Folds one progress line into the state and returns the message to show (undefined keeps the current one). Batch
 * progress shows the fit, epoch, batch and time left, and the loss of the fit's last finished epoch, so the loss is
 * on screen while a fit runs; an epoch line only updates that loss, and a new stage or fit clears it.
 */
export function nextProgress(state: ProgressState, line: ProgressLine): { state: ProgressState; message?: string } {
	if (line.type === 'stage') {
		return { state: { fit: state.fit }, message: line.message };
	}
	if (line.type === 'epoch') {
		return { state: { ...state, lastEpoch: line } };
	}
	if (line.type !== 'progress' || line.fit === undefined || line.fits === undefined) {
		return { state };
	}
	const next: ProgressState = line.fit === state.fit ? state : { fit: line.fit };
	const parts = [`${line.stage} (fit ${line.fit}/${line.fits}): epoch ${line.epoch}/${line.epochs}, batch ${line.batch}/${line.batches}`];
	const epoch = next.lastEpoch;
	if (epoch?.loss !== undefined) {
		const validation = epoch.valLoss === undefined ? '' : `, validation loss ${epoch.valLoss.toFixed(3)}`;
		parts.push(`loss ${epoch.loss.toFixed(3)}${validation} after epoch ${epoch.epoch}`);
	}
	if (line.etaSeconds !== undefined) {
		parts.push(`about ${Math.ceil(line.etaSeconds)} s left in this fit`);
	}
	return { state: next, message: parts.join('; ') };
}
