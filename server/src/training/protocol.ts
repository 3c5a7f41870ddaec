import type { FieldMapping } from '../core/types';
import type { RunConfig, TrainingProgress, TrainingResult } from './run';

/**
 * Messages between a parent (the CLI, or any host) and the training process, over Node's IPC channel. The parent
 * sends one `start`, and `cancel` whenever it wants; the child answers with `progress` messages and exactly one of
 * `result`, `failed` or `cancelled`, then exits.
 */

/** What to train: file paths as the user named them (the child reads them), field names and the run configuration. */
export interface TrainingJob {
	file: string;
	validationFile?: string;
	fields: FieldMapping;
	config: RunConfig;
}

export type ParentMessage = { type: 'start'; job: TrainingJob } | { type: 'cancel' };

/** `input` failures are the user's to fix (bad file, too few records, no backend); `internal` ones are bugs. */
export type ChildMessage =
	| { type: 'progress'; progress: TrainingProgress }
	| { type: 'result'; result: TrainingResult }
	| { type: 'failed'; kind: 'input' | 'internal'; message: string }
	| { type: 'cancelled' };
