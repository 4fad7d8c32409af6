import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { problem, readBody } from '@/lib/http';
import { sessions } from '@/lib/sessions';

export async function GET() {
  return withSession(await cookies(), sessions(), (session) => Response.json(session.toJSON()));
}

export async function POST(request: Request) {
  const body = await readBody(request);
  // Who is logged in changes only through /api/login (which regenerates the session), never by a merge.
  if (Object.hasOwn(body, 'user_id')) return problem(422, 'reserved_key', 'These keys are set by the app only: user_id.');
  return withSession(await cookies(), sessions(), (session) => {
    for (const [key, value] of Object.entries(body)) session.set(key, value);
    return Response.json(session.toJSON());
  });
}
