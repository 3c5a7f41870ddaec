/** `Tunelint: Show Runs`: opens the run view on the newest saved run (or reveals it as it is). */
import type { Ctx } from '../ctx';
import { showRunView } from './panel';

export function showRuns(ctx: Ctx): () => void {
	return () => showRunView(ctx, { kind: 'run' });
}
