// The API baseline: a bare Koa app (no auth, rate limit, database or validation) answering
// GET /api/v1/bots with a fixed list of the same shape. Run as its own process, like the server.
import Koa from 'koa';

const bots = Array.from({ length: 5 }, (_, n) => ({ id: `bot_${String(n).padStart(24, '0')}`, name: `Bench bot ${n}`, isActive: true, createdAt: new Date(0).toISOString() }));
const app = new Koa();
app.use((ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/api/v1/bots') ctx.body = { bots, nextCursor: null };
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
