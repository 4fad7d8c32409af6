import { readSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { sessions } from '@/lib/sessions';

/** Only logged-in users get here: proxy.ts sends guests back to the home page first. */
export default async function Account() {
  const session = await readSession(await cookies(), sessions());
  return (
    <main>
      <h1>Account of {session.get('user_id')}</h1>
      <p>
        Signed in since {new Date(session.createdAt * 1000).toISOString()}. <a href="/">Home</a>
      </p>
    </main>
  );
}
