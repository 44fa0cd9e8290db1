import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApiDocument } from '../openapi';

// `npm run openapi [-- out.json]`: writes the OpenAPI 3.1 document generated from the route table.
const out = resolve(process.argv[2] ?? 'docs/openapi.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`OpenAPI 3.1 document written to ${out}`);
