/**
 * Chart.js charts in the VS Code theme's colours, drawn without animation (what is shown is final at once), with a
 * click and a keyboard path to the records behind each bar or point: the canvas takes focus, the arrow keys move
 * between elements (the tooltip follows) and Enter activates the element as a click would.
 */
import { BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { h } from './dom.mjs';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

/** A series of one chart: its label, values and colour name (a VS Code chart colour). */
export interface Series {
	label: string;
	values: Array<number | null>;
	color: 'blue' | 'red' | 'yellow' | 'orange' | 'green' | 'purple';
}

/** What one chart shows and what clicking an element does. */
export interface ChartSpec {
	id: string;
	title: string;
	kind: 'bar' | 'line';
	labels: string[];
	series: Series[];
	stacked?: boolean;
	xTitle?: string;
	yTitle?: string;
	/** Called with the index of the activated element (bar or point). */
	onActivate?: (index: number) => void;
	/** Extra tooltip lines for an index. */
	details?: (index: number) => string[];
}

const FALLBACK_COLORS: Record<Series['color'], string> = { blue: '#3794ff', red: '#f14c4c', yellow: '#cca700', orange: '#d18616', green: '#89d185', purple: '#b180d7' };

function cssVar(name: string, fallback: string): string {
	const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
	return value === '' ? fallback : value;
}

/** Builds a figure with a focusable canvas and draws the chart into it. */
export function chartFigure(spec: ChartSpec): HTMLElement {
	const canvas = h('canvas', { id: spec.id, role: 'img', tabindex: '0', 'aria-label': `${spec.title}. Use the arrow keys to move between elements and Enter to show their records.` });
	const figure = h('figure', { class: 'chart' }, h('figcaption', {}, spec.title), h('div', { class: 'chart-box' }, canvas));
	// The canvas must be in the document before Chart.js measures it; drawing waits for the next frame.
	queueMicrotask(() => drawChart(canvas, spec));
	return figure;
}

function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): void {
	const foreground = cssVar('--vscode-foreground', '#cccccc');
	const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
	const config: ChartConfiguration<'bar' | 'line'> = {
		type: spec.kind,
		data: {
			labels: spec.labels,
			datasets: spec.series.map((series) => {
				const color = cssVar(`--vscode-charts-${series.color}`, FALLBACK_COLORS[series.color]);
				return { label: series.label, data: series.values, backgroundColor: color, borderColor: color, borderWidth: spec.kind === 'line' ? 2 : 0, pointRadius: 3, spanGaps: true };
			}),
		},
		options: {
			animation: false,
			responsive: true,
			maintainAspectRatio: false,
			color: foreground,
			interaction: { mode: 'nearest', intersect: false },
			scales: {
				x: { stacked: spec.stacked === true, ticks: { color: foreground, autoSkip: true, maxRotation: 45 }, grid: { color: grid }, title: { display: spec.xTitle !== undefined, text: spec.xTitle ?? '', color: foreground } },
				y: { stacked: spec.stacked === true, beginAtZero: true, ticks: { color: foreground }, grid: { color: grid }, title: { display: spec.yTitle !== undefined, text: spec.yTitle ?? '', color: foreground } },
			},
			plugins: {
				legend: { display: spec.series.length > 1, labels: { color: foreground } },
				tooltip: { callbacks: { afterBody: (items) => (items.length > 0 && spec.details !== undefined ? spec.details(items[0].dataIndex) : []) } },
			},
			onClick: (_event, elements) => {
				if (elements.length > 0) {
					spec.onActivate?.(elements[0].index);
				}
			},
			onHover: (event, elements) => {
				const target = event.native?.target;
				if (target instanceof HTMLElement) {
					target.style.cursor = elements.length > 0 && spec.onActivate !== undefined ? 'pointer' : 'default';
				}
			},
		},
	};
	const chart = new Chart(canvas, config);
	let active = -1;
	canvas.addEventListener('keydown', (event) => {
		const count = spec.labels.length;
		if (count === 0) {
			return;
		}
		if (event.key === 'ArrowRight' || event.key === 'ArrowLeft' || event.key === 'Home' || event.key === 'End') {
			event.preventDefault();
			active = event.key === 'Home' ? 0 : event.key === 'End' ? count - 1 : (active + (event.key === 'ArrowRight' ? 1 : count - 1)) % count;
			const elements = spec.series.map((_, datasetIndex) => ({ datasetIndex, index: active }));
			chart.setActiveElements(elements);
			chart.tooltip?.setActiveElements(elements, { x: 0, y: 0 });
			chart.update();
		} else if ((event.key === 'Enter' || event.key === ' ') && active >= 0) {
			event.preventDefault();
			spec.onActivate?.(active);
		}
	});
}
