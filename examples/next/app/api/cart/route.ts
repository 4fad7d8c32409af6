import { withSession } from 'hallpass/next';
import { cookies } from 'next/headers';
import { problem, readBody } from '@/lib/http';
import { sessions } from '@/lib/sessions';

export async function GET() {
  return withSession(await cookies(), sessions(), (session) => Response.json({ cart: session.get('cart', []) }));
}

export async function POST(request: Request) {
  const { item } = await readBody(request);
  if (typeof item !== 'string' || item.trim() === '' || item.length > 100) {
    return problem(422, 'item_required', 'Send {"item": "..."} with 1-100 characters.');
  }
  return withSession(await cookies(), sessions(), (session) => {
    const cart = [...session.get('cart', []), item.trim()];
    session.set('cart', cart);
    return Response.json({ cart });
  });
}
