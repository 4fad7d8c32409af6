import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { greeting } from '@/lib/http';
import { sessions } from '@/lib/sessions';

export async function GET() {
  return withSession(await cookies(), sessions(), (session) => Response.json({ message: greeting(session.get('user_id')) }));
}
