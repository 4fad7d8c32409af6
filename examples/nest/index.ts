import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createSessions } from 'hallpass';
import { expressSession } from 'hallpass/express';
import { AppModule } from './app.module.js';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx --tsconfig examples/nest/tsconfig.json examples/nest/index.ts');
  process.exit(1);
}

const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error', 'warn'] });
app.use(expressSession(createSessions({ secret })));

const port = Number(process.env.PORT ?? 3000);
await app.listen(port, '127.0.0.1');
console.log(`hallpass + NestJS (Express) listening on http://localhost:${port}`);
