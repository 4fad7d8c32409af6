import { readSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { greeting } from '@/lib/http';
import { sessions } from '@/lib/sessions';
import { login, logout } from './actions';

/** A Server Component: it reads the session; the forms' Server Actions change it. */
export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const session = await readSession(await cookies(), sessions());
  const user = session.get('user_id');
  const { error } = await searchParams;
  return (
    <main>
      <h1>{greeting(user)}</h1>
      {user ? (
        <form action={logout}>
          <a href="/account">Your account</a> <button type="submit">Log out</button>
        </form>
      ) : (
        <form action={login}>
          <label htmlFor="username">Username</label> <input id="username" name="username" required maxLength={64} />{' '}
          <button type="submit">Log in</button>
          {error === 'username' ? <p role="alert">A username is 1-64 letters, digits, dots, @, _ or -.</p> : null}
        </form>
      )}
    </main>
  );
}
