import { seed } from './seed';

// `npm run seed` — loads demo data into DATABASE_URL (idempotent).
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set (npm start prints it for the local stack).');
  process.exit(2);
}
const result = await seed({ databaseUrl, log: (m) => console.log(m) });
console.log(`Seeded ${result.events} events (${result.seats} new seats). Admin: ${result.adminEmail}`);
