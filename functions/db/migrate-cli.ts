import { migrate } from './migrate';

// `npm run migrate` — applies pending migrations to DATABASE_URL.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set (npm start prints it for the local stack).');
  process.exit(2);
}
const applied = await migrate({ databaseUrl, log: (m) => console.log(m) });
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
