// The Postgres pool. `DATABASE_URL` is a secret: cfgc exec passes it, never a file.
import { Pool } from "pg";

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
