import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

// The entry point of the bundled language server (server/out/server.js); the transport comes from the command line.
startServer(createConnection(ProposedFeatures.all));
