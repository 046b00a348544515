// Uploads to S3. The team's hand-written start-up check, for S3 only: the gap that
// `cfgc codegen typescript` closes for every variable.
import { Hono } from "hono";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

const required = ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3_BUCKET_NAME"];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(`missing S3 configuration: ${missing.join(", ")}`);
}

const s3 = new S3Client({
  region: process.env.AWS_REGION,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
  },
});

export const uploadRoutes = new Hono();

uploadRoutes.put("/:key", async (c) => {
  const Body = new Uint8Array(await c.req.arrayBuffer());
  await s3.send(
    new PutObjectCommand({ Bucket: process.env.S3_BUCKET_NAME, Key: c.req.param("key"), Body }),
  );
  return c.body(null, 204);
});
