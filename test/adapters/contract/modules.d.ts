// The second major versions installed under alias names share the types of the current ones.
declare module 'express4' {
  import express from 'express';
  export default express;
}

declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
