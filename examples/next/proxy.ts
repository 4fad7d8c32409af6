import { readSession } from 'hallpass/next';
import { type NextRequest, NextResponse } from 'next/server';
import { sessions } from '@/lib/sessions';

/**
 * Next.js 16 runs proxy.ts (formerly middleware.ts) on the Node.js runtime, so hallpass works here
 * as it does in a Route Handler. Read-only: a proxy decides where a request goes.
 */
export async function proxy(request: NextRequest) {
  const session = await readSession(request.cookies, sessions());
  if (!session.get('user_id')) return NextResponse.redirect(new URL('/', request.url));
  return NextResponse.next();
}

export const config = { matcher: '/account' };
