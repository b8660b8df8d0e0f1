#!/usr/bin/env node
// node scripts/generate-types.mjs [base url]: fetches <base url>/openapi.json from a running
// server (default http://localhost:8080) and rewrites src/openapi-types.ts.
import { writeFile } from 'node:fs/promises';
import { generateTypes, TYPES_FILE } from './openapi-types.mjs';

const baseUrl = (process.argv[2] ?? process.env.TM_API_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const response = await fetch(`${baseUrl}/openapi.json`);
if (!response.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
await writeFile(TYPES_FILE, await generateTypes(await response.json()));
console.log(`wrote ${TYPES_FILE.pathname}`);
