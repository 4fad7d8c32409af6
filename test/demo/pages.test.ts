import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, renderHome } from '../../examples/app/pages.js';

describe('demo page helpers', () => {
  it('says durations the way people do, never "335 h"', () => {
    const cases: Array<[number, string]> = [
      [1209600, '14 days'],
      [1209599, '14 days'],
      [172799, '1 day 23 h'],
      [86400, '1 day'],
      [8640, '2 h 24 min'],
      [3600, '1 h'],
      [600, '10 min'],
      [45, '45 s'],
    ];
    assert.deepEqual(
      cases.map(([seconds]) => duration(seconds)),
      cases.map(([, text]) => text),
    );
  });

  it('escapes everything that comes from the session or the user', () => {
    const html = renderHome({
      message: 'Welcome back, user <b>!',
      user: '<b>',
      cart: ['"><script>alert(1)</script>'],
      flashes: [{ kind: 'error', message: "<img src=x onerror='x'>" }],
      devices: [{ createdAt: 0, lastSeenAt: 0, current: true }],
      cookie: {
        name: 'sid',
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        persistent: true,
        maxAge: 60,
        idleTimeout: false,
        touchInterval: 0,
        mode: 'server',
      },
      now: 0,
      assets: { style: '/s.css', script: '/p.js', icon: '/i.svg' },
    });
    assert.doesNotMatch(html, /<script>alert|<img src=x|<b>/);
    assert.match(html, /<li>&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/li>/);
    assert.match(html, /No other device is signed in as &lt;b&gt;\./);
  });
});
