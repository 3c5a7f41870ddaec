/** Disjoint sets over 0..size-1 with path halving and union by size: near-constant time per operation. */
export class UnionFind {
	private readonly parent: Int32Array;
	private readonly size: Int32Array;

	constructor(count: number) {
		this.parent = new Int32Array(count);
		this.size = new Int32Array(count).fill(1);
		for (let i = 0; i < count; i++) {
			this.parent[i] = i;
		}
	}

	/** The representative of the set holding `item`. */
	find(item: number): number {
		let current = item;
		while (this.parent[current] !== current) {
			this.parent[current] = this.parent[this.parent[current]];
			current = this.parent[current];
		}
		return current;
	}

	/** Merges the sets of `a` and `b`; returns false when they were already one set. */
	union(a: number, b: number): boolean {
		let rootA = this.find(a);
		let rootB = this.find(b);
		if (rootA === rootB) {
			return false;
		}
		if (this.size[rootA] < this.size[rootB]) {
			[rootA, rootB] = [rootB, rootA];
		}
		this.parent[rootB] = rootA;
		this.size[rootA] += this.size[rootB];
		return true;
	}

	/** The sets with at least `minSize` members, each sorted ascending, ordered by their smallest member. */
	groups(minSize = 2): number[][] {
		const byRoot = new Map<number, number[]>();
		for (let item = 0; item < this.parent.length; item++) {
			const root = this.find(item);
			if (this.size[root] < minSize) {
				continue;
			}
			let members = byRoot.get(root);
			if (members === undefined) {
				members = [];
				byRoot.set(root, members);
			}
			members.push(item);
		}
		return [...byRoot.values()];
	}
}
