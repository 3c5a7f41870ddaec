/**
 * The report's stylesheet. VS Code sets its theme variables on the webview's root element, which overrides the
 * defaults below; in a browser (the HTML export) the defaults give a light theme.
 */
export const STYLES = `
:root {
	--vscode-font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
	--vscode-font-size: 13px;
	--vscode-editor-font-family: ui-monospace, Menlo, Consolas, monospace;
	--vscode-foreground: #1f1f1f;
	--vscode-descriptionForeground: #5f5f5f;
	--vscode-editor-background: #ffffff;
	--vscode-editorWidget-background: #f3f3f3;
	--vscode-editorWidget-border: #d4d4d4;
	--vscode-textLink-foreground: #005fb8;
	--vscode-focusBorder: #005fb8;
	--vscode-errorForeground: #c72e0f;
	--vscode-editorWarning-foreground: #946f00;
	--vscode-editorInfo-foreground: #1a85ff;
	--vscode-input-background: #ffffff;
	--vscode-input-foreground: #1f1f1f;
	--vscode-input-border: #cecece;
	--vscode-input-placeholderForeground: #767676;
	--vscode-dropdown-background: #ffffff;
	--vscode-dropdown-foreground: #1f1f1f;
	--vscode-dropdown-border: #cecece;
	--vscode-settings-textInputBackground: #ffffff;
	--vscode-settings-textInputForeground: #1f1f1f;
	--vscode-settings-textInputBorder: #cecece;
	--vscode-settings-dropdownBackground: #ffffff;
	--vscode-settings-dropdownForeground: #1f1f1f;
	--vscode-settings-dropdownBorder: #cecece;
	--vscode-list-hoverBackground: #f0f0f0;
	--vscode-list-activeSelectionBackground: #e8e8e8;
	--vscode-list-activeSelectionForeground: #1f1f1f;
	--vscode-charts-blue: #1a85ff;
	--vscode-charts-red: #e51400;
	--vscode-charts-yellow: #bf8803;
	--vscode-charts-orange: #d18616;
	--vscode-charts-green: #388a34;
	--vscode-charts-purple: #652d90;
}
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); margin: 0; padding: 16px 24px; line-height: 1.45; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--vscode-editorWidget-border); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 16px 0 6px; }
.subtitle, .note, figcaption, .table-count { color: var(--vscode-descriptionForeground); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; }
.card { background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-editorWidget-border); border-radius: 4px; padding: 8px 10px; }
.card .value { font-size: 1.35em; font-weight: 600; }
.card .label { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
figure.chart { margin: 0; background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-editorWidget-border); border-radius: 4px; padding: 8px; }
.chart-box { position: relative; height: 240px; }
canvas:focus-visible, button:focus-visible, td.cell:focus-visible { outline: 2px solid var(--vscode-focusBorder); outline-offset: 1px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-scroll { max-height: 520px; overflow: auto; }
button.sort, button.line-link, button.clear, button.rule-link { font: inherit; color: var(--vscode-textLink-foreground); background: none; border: none; padding: 0 2px; cursor: pointer; }
th button.sort { color: var(--vscode-foreground); font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 6px; }
.controls vscode-textfield { min-width: 240px; }
.line-filter { background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-editorWidget-border); padding: 4px 8px; margin: 4px 0; border-radius: 4px; }
.badge { border-radius: 3px; padding: 0 5px; font-size: 0.9em; border: 1px solid currentColor; }
.badge.error { color: var(--vscode-errorForeground); }
.badge.warning { color: var(--vscode-editorWarning-foreground); }
.badge.info { color: var(--vscode-editorInfo-foreground); }
.untrusted { unicode-bidi: isolate; white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote.record { font-family: var(--vscode-editor-font-family); margin: 4px 0 10px; padding: 6px 10px; border-left: 3px solid var(--vscode-editorWidget-border); background: var(--vscode-editorWidget-background); max-height: 8em; overflow: auto; }
td.cell { cursor: pointer; text-align: right; font-variant-numeric: tabular-nums; }
td.cell.significant { font-weight: 700; outline: 1px solid var(--vscode-errorForeground); }
code { font-family: var(--vscode-editor-font-family); }
`;
