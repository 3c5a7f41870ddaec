import type { FieldMapping } from '../../core/types';
import type { BackendChoice } from '../backend';
import type { TrainOptions } from '../train';
import type { Params } from './space';

/**
 * Messages between `tunelint tune` and its trial workers, over Node's IPC channel. The parent sends one `setup`; the
 * worker reads and splits the dataset once and answers `ready` (or `failed`), then evaluates one `trial` at a time,
 * answering `result`, `trial-failed` or `cancelled` with the trial's id. `cancel` interrupts the running trial
 * after its current batch, and the worker then exits.
 */

/** What every worker prepares: the same file, fields, split seed and epochs, so all trials share one objective. */
export interface TuneSetup {
	file: string;
	fields: FieldMapping;
	seed: number;
	validationShare: number;
	epochs: number;
	backend: BackendChoice;
	/** The config file's `training` section: the values of the hyper-parameters the search does not vary. */
	defaults?: Partial<TrainOptions>;
}

export type TuneParentMessage = { type: 'setup'; setup: TuneSetup } | { type: 'trial'; id: number; params: Params } | { type: 'cancel' };

/** `input` failures are the user's to fix (bad file, too few records, no backend); `internal` ones are bugs. */
export type TuneWorkerMessage =
	| { type: 'ready'; records: { train: number; validation: number }; labels: string[]; backend: string }
	| { type: 'failed'; kind: 'input' | 'internal'; message: string }
	| { type: 'result'; id: number; metric: number }
	| { type: 'trial-failed'; id: number; message: string }
	| { type: 'cancelled'; id: number };
