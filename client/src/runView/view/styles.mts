/** The run view's stylesheet; VS Code's theme variables give its colours. */
export const STYLES = `
body {
	font-family: var(--vscode-font-family, system-ui, sans-serif);
	font-size: var(--vscode-font-size, 13px);
	color: var(--vscode-foreground, #cccccc);
	background: var(--vscode-editor-background, #1e1e1e);
	margin: 0;
	padding: 0 1rem 2rem;
}
h1 { font-size: 1.4em; }
h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25em 0.6em; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.35)); vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.selected, tr.best { background: var(--vscode-list-activeSelectionBackground, rgba(128,128,128,0.25)); color: var(--vscode-list-activeSelectionForeground, inherit); }
tr[data-key] { cursor: pointer; }
tr[data-key]:hover { background: var(--vscode-list-hoverBackground, rgba(128,128,128,0.15)); }
button {
	font: inherit;
	color: var(--vscode-button-foreground, #ffffff);
	background: var(--vscode-button-background, #0e639c);
	border: none;
	padding: 0.2em 0.7em;
	cursor: pointer;
}
button.link { color: var(--vscode-textLink-foreground, #3794ff); background: none; padding: 0; text-decoration: underline; }
button:focus-visible, tr:focus-visible, canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder, #007fd4); }
.table-scroll { max-height: 22em; overflow: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
dl.facts dt { color: var(--vscode-descriptionForeground, #9d9d9d); }
dl.facts dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.chart { margin: 0; flex: 1 1 26rem; min-width: 18rem; }
.chart-box { position: relative; height: 16rem; }
figcaption { font-weight: 600; margin-bottom: 0.3em; }
.note { color: var(--vscode-descriptionForeground, #9d9d9d); }
.severity-error { color: var(--vscode-errorForeground, #f48771); }
.severity-warning { color: var(--vscode-editorWarning-foreground, #cca700); }
.untrusted { unicode-bidi: isolate; }
tr.flagged td { color: var(--vscode-editorWarning-foreground, #cca700); font-weight: 600; }
#verdict { border-left: 4px solid var(--vscode-charts-green, #89d185); padding: 0.2em 0.8em; margin: 1em 0; }
#verdict[data-alarm="true"] { border-left-color: var(--vscode-editorWarning-foreground, #cca700); }
#verdict h3 { margin: 0.3em 0; }
.actions { display: flex; gap: 0.5em; margin: 0.8em 0; }
`;
