// The reference the format benchmark is measured against: read the file line by line with readline and JSON.parse each line.
import { createReadStream } from 'node:fs';
import * as readline from 'node:readline';

const lines = readline.createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
let records = 0;
for await (const line of lines) {
	if (line.trim() !== '') {
		JSON.parse(line);
		records++;
	}
}
process.stdout.write(`${records}\n`);
