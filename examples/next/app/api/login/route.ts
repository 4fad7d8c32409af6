import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { checkUsername, readBody } from '@/lib/http';
import { sessions } from '@/lib/sessions';

export async function POST(request: Request) {
  const given = new URL(request.url).searchParams.get('username') ?? (await readBody(request)).username;
  const user = checkUsername(given);
  if (user instanceof Response) return user;
  return withSession(await cookies(), sessions(), (session) => {
    session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
    session.set('user_id', user);
    session.userId = user; // a logout then revokes every copy of this cookie
    if (new URL(request.url).searchParams.get('remember') === '0') session.setLifetime({ persistent: false }); // a browser-session cookie
    return Response.json({ message: `Logged in as ${user}` });
  });
}
