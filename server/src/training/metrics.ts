/** Classification metrics over row-major class probabilities (`probabilities[i * classCount + c]`). */

/** Loss, accuracy and macro-averaged F1 of one set of predictions. */
export interface SetMetrics {
	loss: number;
	accuracy: number;
	macroF1: number;
}

/** The class with the highest probability for every row. */
export function predictedClasses(probabilities: Float32Array, classCount: number): Int32Array {
	const rows = probabilities.length / classCount;
	const result = new Int32Array(rows);
	for (let i = 0; i < rows; i++) {
		let best = 0;
		for (let c = 1; c < classCount; c++) {
			if (probabilities[i * classCount + c] > probabilities[i * classCount + best]) {
				best = c;
			}
		}
		result[i] = best;
	}
	return result;
}

/** Mean cross-entropy, accuracy and macro F1 (classes absent from both truth and prediction are left out of the mean). */
export function evaluate(probabilities: Float32Array, truth: ArrayLike<number>, classCount: number): SetMetrics {
	const predicted = predictedClasses(probabilities, classCount);
	let loss = 0;
	let correct = 0;
	const truePositives = new Float64Array(classCount);
	const predictedCounts = new Float64Array(classCount);
	const actualCounts = new Float64Array(classCount);
	for (let i = 0; i < truth.length; i++) {
		loss -= Math.log(Math.max(probabilities[i * classCount + truth[i]], 1e-7));
		predictedCounts[predicted[i]]++;
		actualCounts[truth[i]]++;
		if (predicted[i] === truth[i]) {
			correct++;
			truePositives[truth[i]]++;
		}
	}
	let f1Sum = 0;
	let f1Classes = 0;
	for (let c = 0; c < classCount; c++) {
		if (actualCounts[c] + predictedCounts[c] > 0) {
			f1Sum += (2 * truePositives[c]) / (actualCounts[c] + predictedCounts[c]);
			f1Classes++;
		}
	}
	const n = Math.max(1, truth.length);
	return { loss: loss / n, accuracy: correct / n, macroF1: f1Classes === 0 ? 0 : f1Sum / f1Classes };
}

/** Wilson score interval for a proportion at 95 % confidence; [0, 1] when there is no evidence. */
export function wilsonInterval(successes: number, trials: number, z = 1.96): [number, number] {
	if (trials === 0) {
		return [0, 1];
	}
	const p = successes / trials;
	const denominator = 1 + (z * z) / trials;
	const centre = (p + (z * z) / (2 * trials)) / denominator;
	const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Two-sided p-value of a two-proportion z-test (pooled); 1 when either side is empty. */
export function twoProportionPValue(successesA: number, trialsA: number, successesB: number, trialsB: number): number {
	if (trialsA === 0 || trialsB === 0) {
		return 1;
	}
	const pooled = (successesA + successesB) / (trialsA + trialsB);
	const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / trialsA + 1 / trialsB));
	if (standardError === 0) {
		return 1;
	}
	const z = Math.abs(successesA / trialsA - successesB / trialsB) / standardError;
	return erfc(z / Math.SQRT2);
}

/** Two-sided p-value of a standard normal statistic `z`. */
export function normalPValue(z: number): number {
	return erfc(Math.abs(z) / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
function erfc(x: number): number {
	const t = 1 / (1 + 0.5 * Math.abs(x));
	const y =
		t *
		Math.exp(
			-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
		);
	return x >= 0 ? y : 2 - y;
}
