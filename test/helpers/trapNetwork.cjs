// Preloaded (node --require) into a process under test: every way Node opens a network connection is replaced by a
// trap that records the attempt to a file and fails. Unix sockets and pipes (the language server's IPC) stay allowed.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const log = process.env.TUNELINT_NETWORK_LOG;

function trap(what, detail) {
	const line = `${what} ${detail}\n`;
	if (log) {
		fs.appendFileSync(log, line);
	}
	throw new Error(`network access trapped: ${line.trim()}`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
	const first = args[0];
	const options = typeof first === 'object' && first !== null && !Array.isArray(first) ? first : undefined;
	const isPipe = (options && typeof options.path === 'string') || (typeof first === 'string' && Number.isNaN(Number(first)));
	if (!isPipe) {
		trap('connect', JSON.stringify(options ?? args.slice(0, 2)));
	}
	return originalConnect.apply(this, args);
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
	dns[name] = (host) => trap(`dns.${name}`, String(host));
	dns.promises[name] = async (host) => trap(`dns.promises.${name}`, String(host));
}
globalThis.fetch = async (url) => trap('fetch', String(url));
