'use server';
import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { checkUsername } from '@/lib/http';
import { sessions } from '@/lib/sessions';

/** The login form's Server Action: the session is saved when withSession returns, then the page is shown again. */
export async function login(form: FormData): Promise<void> {
  const user = checkUsername(form.get('username'));
  if (user instanceof Response) redirect('/?error=username');
  await withSession(await cookies(), sessions(), (session) => {
    session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
    session.set('user_id', user);
    session.userId = user; // a logout then revokes every copy of this cookie
  });
  redirect('/');
}

export async function logout(): Promise<void> {
  await withSession(await cookies(), sessions(), (session) => session.destroy());
  redirect('/');
}
