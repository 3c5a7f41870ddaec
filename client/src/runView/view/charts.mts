/**
 * Draws a ChartModel with Chart.js on a linear x axis (epochs, trials or steps), in the VS Code theme's colours and
 * without animation. Markers are large points without a line. Once Chart.js has drawn, the canvas is checked for
 * pixels that are not blank and marked `data-drawn="true"`, which is what the page's `data-ready` waits for. The
 * canvas takes focus, and the arrow keys (Home, End) move the tooltip along the points, as in the audit report.
 */
import { Chart, type ChartConfiguration, type ChartDataset, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { h } from '../../report/view/dom.mjs';
import type { ChartColor, ChartModel } from '../model.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

const FALLBACK_COLORS: Record<ChartColor, string> = { blue: '#3794ff', red: '#f14c4c', yellow: '#cca700', orange: '#d18616', green: '#89d185', purple: '#b180d7' };

/** Frames to wait for a canvas to get a size and pixels (a webview in a background tab draws late). */
const MAX_FRAMES = 600;

function cssVar(name: string, fallback: string): string {
	const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
	return value === '' ? fallback : value;
}

/** A figure with the chart's canvas; the chart is drawn once the figure is in the document. */
export function chartFigure(model: ChartModel): { element: HTMLElement; drawn: Promise<void> } {
	const description = `${model.title}: ${model.series.map((series) => series.label).join(', ')}${model.markers.length > 0 ? `; marked: ${model.markers.map((marker) => marker.label).join(', ')}` : ''}.`;
	const canvas = h('canvas', { 'data-chart': model.chart, role: 'img', tabindex: '0', 'aria-label': `${description} Use the arrow keys to read the points.` });
	const element = h('figure', { class: 'chart' }, h('figcaption', {}, model.title), h('div', { class: 'chart-box' }, canvas));
	const drawn = new Promise<void>((resolve) => {
		// Chart.js measures the canvas, so it draws after the figure was added to the page.
		requestAnimationFrame(() => {
			const chart = new Chart(canvas, configuration(model));
			addKeyboard(canvas, chart, model);
			waitForPixels(canvas, chart, 0, resolve);
		});
	});
	return { element, drawn };
}

/** Arrow keys step through the points of the chart's lines (markers are drawn first, so the lines follow them). */
function addKeyboard(canvas: HTMLCanvasElement, chart: Chart, model: ChartModel): void {
	const count = Math.max(0, ...model.series.map((series) => series.points.length));
	let active = -1;
	canvas.addEventListener('keydown', (event) => {
		if (count === 0 || !['ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(event.key)) {
			return;
		}
		event.preventDefault();
		active = event.key === 'Home' ? 0 : event.key === 'End' ? count - 1 : (active + (event.key === 'ArrowRight' ? 1 : count - 1)) % count;
		const elements = model.series.flatMap((series, index) => (active < series.points.length ? [{ datasetIndex: model.markers.length + index, index: active }] : []));
		chart.setActiveElements(elements);
		chart.tooltip?.setActiveElements(elements, { x: 0, y: 0 });
		chart.update();
	});
}

function waitForPixels(canvas: HTMLCanvasElement, chart: Chart, frame: number, resolve: () => void): void {
	if (!canvas.isConnected) {
		chart.destroy();
		resolve();
		return;
	}
	if (hasPixels(canvas)) {
		canvas.dataset.drawn = 'true';
		resolve();
		return;
	}
	if (frame >= MAX_FRAMES) {
		resolve();
		return;
	}
	requestAnimationFrame(() => {
		chart.resize();
		waitForPixels(canvas, chart, frame + 1, resolve);
	});
}

function hasPixels(canvas: HTMLCanvasElement): boolean {
	if (canvas.width === 0 || canvas.height === 0) {
		return false;
	}
	const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
	if (pixels === undefined) {
		return false;
	}
	for (let alpha = 3; alpha < pixels.length; alpha += 4) {
		if (pixels[alpha] !== 0) {
			return true;
		}
	}
	return false;
}

function configuration(model: ChartModel): ChartConfiguration<'line', Array<{ x: number; y: number }>> {
	const foreground = cssVar('--vscode-foreground', '#cccccc');
	const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
	const color = (name: ChartColor): string => cssVar(`--vscode-charts-${name}`, FALLBACK_COLORS[name]);
	const fractional = model.xFractional === true;
	const datasets: Array<ChartDataset<'line', Array<{ x: number; y: number }>>> = [
		// Markers first, so they are drawn above the lines.
		...model.markers.map((marker) => ({ label: marker.label, data: marker.points, showLine: false, pointRadius: 6, pointHoverRadius: 8, pointStyle: 'rectRot' as const, backgroundColor: color(marker.color), borderColor: color(marker.color) })),
		...model.series.map((series) => ({ label: series.label, data: series.points, borderColor: color(series.color), backgroundColor: color(series.color), borderWidth: 2, pointRadius: series.points.length > 60 ? 0 : 2, stepped: series.stepped === true ? ('after' as const) : false })),
	];
	return {
		type: 'line',
		data: { datasets },
		options: {
			animation: false,
			responsive: true,
			maintainAspectRatio: false,
			parsing: false,
			color: foreground,
			interaction: { mode: 'nearest', intersect: false },
			scales: {
				// A scatter of fractions (retention) has points at its extremes: the grace keeps them whole inside the axes.
				x: { type: 'linear', grace: fractional ? '5%' : 0, ticks: { color: foreground, precision: fractional ? undefined : 0 }, grid: { color: grid }, title: { display: true, text: model.xTitle, color: foreground } },
				y: { type: 'linear', grace: fractional ? '5%' : 0, ticks: { color: foreground }, grid: { color: grid }, title: { display: true, text: model.yTitle, color: foreground } },
			},
			plugins: { legend: { labels: { color: foreground } } },
		},
	};
}
