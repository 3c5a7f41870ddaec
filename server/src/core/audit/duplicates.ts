import type { Finding } from '../types';
import type { DuplicateSummary } from './types';

const BIGGEST = 10;
/** Lines listed per cluster size, for click-to-filter. */
const MAX_SIZE_LINES = 500;

interface Cluster {
	kind: 'exact' | 'near';
	size: number;
	lines: number[];
}

/** The duplicate clusters named by the duplicate rules' line findings (exact: by first copy; near: by cluster id). */
function clustersOf(findings: readonly Finding[]): Cluster[] {
	const exact = new Map<number, Cluster>();
	const near = new Map<number, Cluster>();
	for (const finding of findings) {
		const data = finding.data;
		if (data === undefined || finding.scope !== 'line') {
			continue;
		}
		if (finding.ruleId === 'duplicate-exact' && typeof data.firstLine === 'number') {
			const cluster = exact.get(data.firstLine) ?? { kind: 'exact', size: Number(data.copies) || 0, lines: [data.firstLine] };
			cluster.lines.push(finding.range.line);
			exact.set(data.firstLine, cluster);
		} else if (finding.ruleId === 'duplicate-near' && typeof data.cluster === 'number' && !near.has(data.cluster)) {
			const lines = Array.isArray(data.clusterLines) ? (data.clusterLines as number[]) : [finding.range.line];
			near.set(data.cluster, { kind: 'near', size: Number(data.clusterSize) || lines.length, lines: [...lines] });
		}
	}
	return [...exact.values(), ...near.values()];
}

/** The first lines of the biggest clusters, whose text the report shows. */
export function linesOfBiggestClusters(findings: readonly Finding[]): Set<number> {
	return new Set(biggest(clustersOf(findings)).map((cluster) => Math.min(...cluster.lines)));
}

/** Cluster counts, the size distribution and the biggest clusters with their first record's text. */
export function duplicateSummary(findings: readonly Finding[], texts: ReadonlyMap<number, string>): DuplicateSummary {
	const clusters = clustersOf(findings);
	const sizes = new Map<number, { size: number; exact: number; near: number; lines: number[] }>();
	for (const cluster of clusters) {
		const row = sizes.get(cluster.size) ?? { size: cluster.size, exact: 0, near: 0, lines: [] };
		row[cluster.kind]++;
		row.lines.push(...cluster.lines.slice(0, Math.max(0, MAX_SIZE_LINES - row.lines.length)));
		sizes.set(cluster.size, row);
	}
	return {
		exactClusters: clusters.filter((cluster) => cluster.kind === 'exact').length,
		nearClusters: clusters.filter((cluster) => cluster.kind === 'near').length,
		sizeDistribution: [...sizes.values()].sort((a, b) => a.size - b.size),
		biggest: biggest(clusters).map((cluster) => {
			const lines = [...new Set(cluster.lines)].sort((a, b) => a - b);
			return { kind: cluster.kind, size: cluster.size, lines, text: texts.get(lines[0]) ?? '' };
		}),
	};
}

function biggest(clusters: readonly Cluster[]): Cluster[] {
	return [...clusters].sort((a, b) => b.size - a.size || Math.min(...a.lines) - Math.min(...b.lines)).slice(0, BIGGEST);
}
