import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countWorkerHeap, fittedGrowthPercent, reportedHeapBytes, reportHeapUsage, streamingGrowthPercent, withTightHeap } from '../../server/src/node/tightHeap';

/** Issue 11: streaming lints run with V8's heap growth tightened, and overlapping ones share the setting safely. */
void describe('withTightHeap', () => {
	void it('returns what the lint returns and passes its failure on', async () => {
		assert.equal(await withTightHeap(() => Promise.resolve(42)), 42);
		await assert.rejects(withTightHeap(() => Promise.reject(new Error('unreadable'))), /unreadable/);
	});

	void it('lets overlapping lints run to the end (the setting is restored once, after the last)', async () => {
		const order: string[] = [];
		const slow = withTightHeap(async () => {
			await new Promise((resolve) => setTimeout(resolve, 20));
			order.push('slow');
			return 'slow';
		});
		const fast = withTightHeap(() => {
			order.push('fast');
			return Promise.resolve('fast');
		});
		assert.deepEqual(await Promise.all([slow, fast]), ['slow', 'fast']);
		assert.deepEqual(order, ['fast', 'slow']);
	});

	void it('lets a small heap grow by 48 MB and a large one by 20%', () => {
		const megabytes = (count: number): number => count * 1024 * 1024;
		assert.equal(streamingGrowthPercent(megabytes(1024)), 20);
		assert.equal(streamingGrowthPercent(megabytes(240)), 20);
		assert.equal(streamingGrowthPercent(megabytes(96)), 50);
		assert.equal(streamingGrowthPercent(megabytes(48)), 100);
		assert.equal(streamingGrowthPercent(megabytes(8)), 100);
		assert.equal(streamingGrowthPercent(0), 100);
	});

	void it('fits the growth to the largest heap, including what workers report through shared memory', () => {
		const slots = new Int32Array(new SharedArrayBuffer(8));
		const stopReporting = reportHeapUsage(slots, 1);
		stopReporting();
		assert.equal(slots[0], 0);
		assert.ok(slots[1] > 0, 'this thread reported its heap in megabytes');
		assert.equal(reportedHeapBytes(slots, 1)(), slots[1] * 1024 * 1024);
		const own = fittedGrowthPercent();
		assert.ok(own > 20, `a test process's small heap may grow by more than 20% (got ${own})`);
		const uncount = countWorkerHeap(() => 1024 * 1024 * 1024);
		assert.equal(fittedGrowthPercent(), 20, 'a 1 GB worker heap holds every heap to 20%');
		uncount();
		assert.equal(fittedGrowthPercent(), own);
	});
});
