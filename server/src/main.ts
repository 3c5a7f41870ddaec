import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

// The entry point of the bundled language server (server/out/server.js); the transport comes from the command line.
startServer(createConnection(ProposedFeatures.all));

// Started over IPC by the extension: when the extension host goes away, so does the server (and, through their own
// handlers, its child processes), even if it is in the middle of a lint.
process.on('disconnect', () => process.exit(0));
