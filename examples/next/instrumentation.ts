/**
 * Runs once when the server starts. The session options are checked here, so a missing or weak
 * SESSION_SECRET stops `next start` with hallpass's message instead of failing every request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { sessions } = await import('@/lib/sessions');
  try {
    sessions();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
