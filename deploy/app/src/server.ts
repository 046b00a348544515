// TaskPilot's API server (Hono). Every variable it reads is declared in
// schema/env.schema.json; `cfgc check --app deploy/app` holds the two to each other.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { serve } from "@hono/node-server";

import { authRoutes } from "./auth";
import { aiRoutes } from "./ai";
import { uploadRoutes } from "./s3";
import { logger } from "./logger";

const app = new Hono();

// A comma-separated list, as cfgc flattens `CORS_ALLOWED_ORIGINS`. No fallback (`?? ""`):
// a deploy without it must fail here, not serve with CORS closed.
const origins = process.env.CORS_ALLOWED_ORIGINS!.split(",");
app.use("/api/*", cors({ origin: origins, credentials: true }));

app.get("/api/health", (c) =>
  c.json({ ok: true, env: process.env.NODE_ENV, api: process.env.API_BASE_URL }),
);
app.route("/api/auth", authRoutes);
app.route("/api/ai", aiRoutes);
app.route("/api/uploads", uploadRoutes);

// Links in e-mails point at the frontend.
export const frontendUrl = process.env["FRONTEND_URL"];

const port = Number(process.env.PORT);
serve({ fetch: app.fetch, port }, () => logger.info(`listening on :${port}`));
