import { Body, Controller, Get, HttpCode, Module, Post, Query, Req, Session, UnprocessableEntityException } from '@nestjs/common';
import type { Session as HallpassSession, Json } from 'hallpass';

type Data = { user_id: string; [key: string]: Json };
type AppSession = HallpassSession<Data>;

// No constructor injection: the session arrives as a route parameter (`@Session()`, or `@Req()` and
// `req.session`), so the controller needs no decorator metadata, which esbuild-based tools such as
// tsx do not emit.
@Controller()
export class SessionController {
  @Get()
  greet(@Session() session: AppSession) {
    const user = session.get('user_id');
    return { message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' };
  }

  @Post('login')
  @HttpCode(200)
  login(@Session() session: AppSession, @Query('username') query?: unknown, @Body() body?: { username?: unknown }) {
    const username = query ?? body?.username;
    if (typeof username !== 'string' || username === '') {
      throw new UnprocessableEntityException({ error: 'username_required', message: 'Send ?username=<name>.' });
    }
    session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
    session.set('user_id', username);
    session.userId = username; // a logout then revokes every copy of the cookie
    return { message: `Logged in as ${username}` };
  }

  @Post('logout')
  @HttpCode(200)
  logout(@Req() req: { session: AppSession }) {
    req.session.destroy(); // the cookie is expired, and a copy of it is refused from now on
    return { message: 'Logged out successfully.' };
  }

  @Get('session')
  read(@Session() session: AppSession) {
    return session.toJSON();
  }

  @Post('session')
  @HttpCode(200)
  merge(@Session() session: AppSession, @Body() body?: Record<string, Json>) {
    for (const [key, value] of Object.entries(body ?? {})) session.set(key, value);
    return session.toJSON();
  }
}

@Module({ controllers: [SessionController] })
export class AppModule {}
