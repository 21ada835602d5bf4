import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations into ./migrations; the service
// applies the same folder to Postgres and to the embedded PGlite database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  strict: true,
});
