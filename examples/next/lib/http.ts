import type { Json } from 'hallpass';

/** The JSON error body the demo answers with, and its status. */
export function problem(status: number, error: string, message: string): Response {
  return Response.json({ error, message }, { status });
}

/** A JSON object or a form from the request body; `{}` when there is none or it does not parse. */
export async function readBody(request: Request): Promise<Record<string, Json>> {
  const type = request.headers.get('content-type') ?? '';
  try {
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      return Object.fromEntries([...(await request.formData())].map(([key, value]) => [key, String(value)]));
    }
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, Json>) : {};
  } catch {
    return {};
  }
}

const USERNAME = /^[\w.@-]{1,64}$/;

/** The trimmed username, or the 422 reply that says what is wrong with it. */
export function checkUsername(value: unknown): string | Response {
  if (typeof value !== 'string' || value.trim() === '') {
    return problem(422, 'username_required', 'Send a non-empty username (query, form or JSON field).');
  }
  if (!USERNAME.test(value.trim())) return problem(422, 'username_invalid', 'A username is 1-64 letters, digits, dots, @, _ or -.');
  return value.trim();
}

export function greeting(user: string | undefined): string {
  return user ? `Welcome back, user ${user}!` : 'Hello, guest!';
}
