/** An explicit shape stays the alternative next to the declaration. */
import { createSessions } from 'hallpass';
import { getSession } from 'hallpass/express';
import { type Equals, expectType } from './session-data.js';

declare const req: { session?: unknown };

// A shape that has the declared keys (a superset of the declaration) is accepted.
type Checkout = { userName: string; cart: string[]; coupon: string };
const checkout = getSession<Checkout>(req);
const coupon = checkout.get('coupon');
expectType<Equals<typeof coupon, string | undefined>>();
// @ts-expect-error: not a key of Checkout
checkout.get('theme');

// A shape that leaves a declared key out is refused: the declaration is the app's contract.
// @ts-expect-error: userName and cart are declared for every session
createSessions<{ user_id: string }>({ secret: process.env.SESSION_SECRET });
