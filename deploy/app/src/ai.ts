// AI features: OpenRouter for chat, Claude for summaries, Composio and Klavis for tools.
import { Hono } from "hono";

const openrouter = {
  baseUrl: process.env.OPENROUTER_BASE_URL,
  apiKey: process.env.OPENROUTER_API_KEY,
};

export const aiRoutes = new Hono();

aiRoutes.post("/chat", async (c) => {
  const res = await fetch(`${openrouter.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${openrouter.apiKey}` },
    body: await c.req.text(),
  });
  return c.body(res.body, res.status as 200);
});

aiRoutes.post("/summary", async (c) => {
  const res = await fetch("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: { "x-api-key": process.env.CLAUDE_API_KEY as string },
    body: await c.req.text(),
  });
  return c.body(res.body, res.status as 200);
});

export const tools = {
  composio: process.env.COMPOSIO_API_KEY,
  klavis: process.env.KLAVIS_API_KEY,
};
