import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSchemaSdl } from './schema-sdl.js';

/** `npm run schema:print`: rewrites the committed schema.graphql from the code-first resolvers. */
void buildSchemaSdl().then((sdl) => {
  const file = path.resolve(import.meta.dirname, '../../../schema.graphql');
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
});
