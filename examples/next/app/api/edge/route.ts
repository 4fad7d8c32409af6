import { readSession } from 'hallpass/next';
import { type NextRequest, NextResponse } from 'next/server';
import { sessions } from '@/lib/sessions';

// This Route Handler runs on Next's edge runtime (Web APIs only, no node:crypto): hallpass opens the
// same sealed cookie there with Web Crypto. Read-only, like a page: writes belong to the Node routes.
export const runtime = 'edge';

/** GET /api/edge: who the cookie says the visitor is, read on the edge runtime. */
export async function GET(request: NextRequest) {
  const session = await readSession(request.cookies, sessions());
  return NextResponse.json({ runtime: 'edge', user_id: session.get('user_id') ?? null });
}
