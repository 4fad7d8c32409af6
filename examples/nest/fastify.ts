import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSessions } from 'hallpass';
import { fastifySession } from 'hallpass/fastify';
import { AppModule } from './app.module.js';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx --tsconfig examples/nest/tsconfig.json examples/nest/fastify.ts');
  process.exit(1);
}

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
await app.register(fastifySession(createSessions({ secret })));

const port = Number(process.env.PORT ?? 3000);
await app.listen(port, '127.0.0.1');
console.log(`hallpass + NestJS (Fastify) listening on http://localhost:${port}`);
