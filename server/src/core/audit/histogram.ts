import type { Histogram } from './types';

const BINS = 20;

/** The value at quantile `q` of sorted values (nearest rank); 0 for no values. */
export function percentile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) {
		return 0;
	}
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Equal-width bins from the smallest value to the 99th percentile; the last bin is open-ended so that a few huge
 * records do not squeeze everything else into the first bin. Each bin lists up to `maxLines` of its lines.
 */
export function histogram(values: ReadonlyArray<{ line: number; value: number }>, unit: string, maxLines: number): Histogram {
	if (values.length === 0) {
		return { unit, values: 0, bins: [] };
	}
	const sorted = values.map((item) => item.value).sort((a, b) => a - b);
	const low = sorted[0];
	const high = Math.max(low + 1, percentile(sorted, 0.99));
	const width = Math.max(1, Math.ceil((high - low) / BINS));
	const count = Math.min(BINS, Math.ceil((high - low) / width) + 1);
	const bins = Array.from({ length: count }, (_, index) => ({ from: low + index * width, to: low + (index + 1) * width, count: 0, lines: [] as number[] }));
	bins[count - 1].to = sorted[sorted.length - 1] + 1;
	for (const { line, value } of values) {
		const bin = bins[Math.min(count - 1, Math.floor((value - low) / width))];
		bin.count++;
		if (bin.lines.length < maxLines) {
			bin.lines.push(line);
		}
	}
	return { unit, values: values.length, bins };
}
