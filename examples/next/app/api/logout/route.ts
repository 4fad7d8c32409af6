import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { sessions } from '@/lib/sessions';

export async function POST() {
  return withSession(await cookies(), sessions(), (session) => {
    session.destroy();
    return Response.json({ message: 'Logged out successfully.' });
  });
}
