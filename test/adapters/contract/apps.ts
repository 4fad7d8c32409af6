import express from 'express';
import express4 from 'express4';
import type { Sessions } from 'hallpass';
import Koa from 'koa';
import koa2 from 'koa2';
import { startExpress } from './express-app.js';
import { startFastify } from './fastify-app.js';
import { startFetch } from './fetch-app.js';
import { startHono } from './hono-app.js';
import { startKoa } from './koa-app.js';
import type { Running } from './listen.js';
import { startNode } from './node-app.js';

/** Every adapter, each serving the same contract. */
export const adapters: ReadonlyArray<{ name: string; start: (sessions: Sessions) => Promise<Running> }> = [
  { name: 'node', start: startNode },
  { name: 'fetch', start: startFetch },
  { name: 'express 4', start: (sessions) => startExpress(express4, sessions) },
  { name: 'express 5', start: (sessions) => startExpress(express, sessions) },
  { name: 'fastify 5', start: startFastify },
  { name: 'hono 4', start: startHono },
  { name: 'koa 2', start: (sessions) => startKoa(koa2, sessions) },
  { name: 'koa 3', start: (sessions) => startKoa(Koa, sessions) },
];
