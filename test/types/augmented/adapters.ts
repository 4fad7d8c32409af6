/** Every adapter hands out the declared shape with no generic argument. */
import express from 'express';
import Fastify from 'fastify';
import { createSessions, type Session } from 'hallpass';
import { getSession as getExpressSession } from 'hallpass/express';
import { getSession as getFastifySession } from 'hallpass/fastify';
import { withSessions as withFetchSessions } from 'hallpass/fetch';
import { honoSession, type SessionEnv } from 'hallpass/hono';
import { koaSession } from 'hallpass/koa';
import { readSession, withSession } from 'hallpass/next';
import { withSessions as withNodeSessions } from 'hallpass/node';
import { Hono } from 'hono';
import Koa from 'koa';
import { type Equals, expectType, type Undeclared } from './session-data.js';

const sessions = createSessions({ secret: process.env.SESSION_SECRET });

// The core: createSessions, load, the Session class.
declare const session: Session;
const cart = session.get('cart');
expectType<Equals<typeof cart, string[] | undefined>>();
const name = session.get('userName', 'guest');
expectType<Equals<typeof name, string>>();
session.set('cart', ['apples']);
// @ts-expect-error: cart holds a list of strings
session.set('cart', 1);
// @ts-expect-error: userName is a string
session.set('userName', ['alice']);
const undeclared = session.get('theme');
expectType<Equals<typeof undeclared, Undeclared>>();
session.set('theme', { dark: true });
// @ts-expect-error: an undeclared key still holds JSON only
session.set('theme', new Map());
const loaded = await sessions.load(undefined);
expectType<Equals<typeof loaded, Session>>();
expectType<Equals<ReturnType<typeof loaded.get<'cart'>>, string[] | undefined>>();

// Express: getSession(req), no generic.
express().get('/', (req, res) => {
  const s = getExpressSession(req);
  const c = s.get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  // @ts-expect-error: cart holds a list of strings
  s.set('cart', 'apples');
  res.end();
});

// Fastify: getSession(request), no generic.
Fastify().get('/', async (request) => {
  const c = getFastifySession(request).get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  // @ts-expect-error: cart holds a list of strings
  getFastifySession(request).set('cart', [1]);
  return {};
});

// Hono: SessionEnv with no generic.
new Hono<SessionEnv>().use(honoSession(sessions)).get('/', (c) => {
  const items = c.get('session').get('cart');
  expectType<Equals<typeof items, string[] | undefined>>();
  // @ts-expect-error: cart holds a list of strings
  c.get('session').set('cart', true);
  return c.json({});
});

// Koa: ctx.session, typed by the middleware app.use carried.
new Koa().use(koaSession(sessions)).use((ctx) => {
  const c = ctx.session.get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  // @ts-expect-error: cart holds a list of strings
  ctx.session.set('cart', null);
});

// node:http and fetch-style handlers.
withNodeSessions(sessions, (req, res) => {
  const c = req.session.get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  // @ts-expect-error: userName is a string
  req.session.set('userName', 42);
  res.end();
});
withFetchSessions(sessions, (_request, s) => {
  const c = s.get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  return new Response();
});

// Next.js: withSession and readSession.
declare const cookieStore: Parameters<typeof withSession>[0];
await withSession(cookieStore, sessions, (s) => {
  const c = s.get('cart');
  expectType<Equals<typeof c, string[] | undefined>>();
  // @ts-expect-error: cart holds a list of strings
  s.set('cart', 'apples');
});
const readOnly = await readSession(cookieStore, sessions);
const readCart = readOnly.get('cart');
expectType<Equals<typeof readCart, string[] | undefined>>();
