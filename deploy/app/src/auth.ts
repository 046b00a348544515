// Sign-in: sessions are JWTs; the OAuth provider is configured per environment.
import { Hono } from "hono";
import { sign } from "hono/jwt";

import { pool } from "./db";

const { JWT_SECRET, JWT_EXPIRES_IN, OAUTH_PROVIDER: provider } = process.env;

export const authRoutes = new Hono();

authRoutes.get("/provider", (c) => c.json({ provider }));

authRoutes.post("/token", async (c) => {
  const { userId } = await c.req.json();
  const { rows } = await pool.query("select id from users where id = $1", [userId]);
  if (rows.length === 0) return c.json({ error: "unknown user" }, 404);
  // `expiresIn` is a duration such as "7d" (the schema's `duration` format).
  const token = await sign({ sub: userId, exp: expiry(JWT_EXPIRES_IN!) }, JWT_SECRET!);
  return c.json({ token });
});

function expiry(duration: string): number {
  const days = Number(/^(\d+)d$/.exec(duration)?.[1]);
  return Math.floor(Date.now() / 1000) + days * 86400;
}
