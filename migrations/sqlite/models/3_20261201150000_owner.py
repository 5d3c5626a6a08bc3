"""Written by hand from aerich's draft: todos get an owner, a user's `sub` (AUTH_MODE=jwt), or ""
(nobody's: AUTH_MODE=none, and every todo written before). The indexes of each sort but TITLE's
get the owner in front, so that one user's list reads its own entries in order, and the event
log's triggers copy the owner into each entry, so that a replay is scoped too."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE "todo" ADD COLUMN "owner" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "todo_event" ADD COLUMN "owner" VARCHAR(255) NOT NULL DEFAULT '';
CREATE INDEX "idx_todo_owner_order_missing" ON "todo" ("owner", "order_missing", "order", "created_at");
CREATE INDEX "idx_todo_owner_completed_order_missing"
    ON "todo" ("owner", "completed", "order_missing", "order", "created_at");
CREATE INDEX "idx_todo_owner_1280fc" ON "todo" ("owner", "created_at");
CREATE INDEX "idx_todo_owner_9d4e82" ON "todo" ("owner", "updated_at");
DROP INDEX IF EXISTS "idx_todo_order_missing";
DROP INDEX IF EXISTS "idx_todo_completed_order_missing";
DROP INDEX IF EXISTS "idx_todo_created_01fbac";
DROP INDEX IF EXISTS "idx_todo_updated_b1d61c";
DROP TRIGGER IF EXISTS "todo_event_deleted";
DROP TRIGGER IF EXISTS "todo_event_updated";
DROP TRIGGER IF EXISTS "todo_event_created";
CREATE TRIGGER "todo_event_created" AFTER INSERT ON "todo"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "owner", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'CREATED', NEW."id", NEW."version", NEW."owner", NEW."title", NEW."completed", NEW."order", NEW."created_at", NEW."updated_at", CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;
CREATE TRIGGER "todo_event_updated" AFTER UPDATE ON "todo" WHEN NEW."version" <> OLD."version"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "owner", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'UPDATED', NEW."id", NEW."version", NEW."owner", NEW."title", NEW."completed", NEW."order", NEW."created_at", NEW."updated_at", CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;
CREATE TRIGGER "todo_event_deleted" AFTER DELETE ON "todo"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "owner", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'DELETED', OLD."id", OLD."version", OLD."owner", NULL, NULL, NULL, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS "todo_event_deleted";
DROP TRIGGER IF EXISTS "todo_event_updated";
DROP TRIGGER IF EXISTS "todo_event_created";
CREATE TRIGGER "todo_event_created" AFTER INSERT ON "todo"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'CREATED', NEW."id", NEW."version", NEW."title", NEW."completed", NEW."order", NEW."created_at", NEW."updated_at", CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;
CREATE TRIGGER "todo_event_updated" AFTER UPDATE ON "todo" WHEN NEW."version" <> OLD."version"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'UPDATED', NEW."id", NEW."version", NEW."title", NEW."completed", NEW."order", NEW."created_at", NEW."updated_at", CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;
CREATE TRIGGER "todo_event_deleted" AFTER DELETE ON "todo"
BEGIN
    UPDATE "todo_event_head" SET "position" = "position" + 1 WHERE "id" = 1;
    INSERT INTO "todo_event" ("position", "kind", "todo_id", "version", "title", "completed", "order", "created_at", "updated_at", "recorded_at")
    SELECT "position", 'DELETED', OLD."id", OLD."version", NULL, NULL, NULL, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    FROM "todo_event_head" WHERE "id" = 1;
END;
CREATE INDEX IF NOT EXISTS "idx_todo_updated_b1d61c" ON "todo" ("updated_at");
CREATE INDEX IF NOT EXISTS "idx_todo_created_01fbac" ON "todo" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_todo_completed_order_missing"
    ON "todo" ("completed", "order_missing", "order", "created_at");
CREATE INDEX IF NOT EXISTS "idx_todo_order_missing" ON "todo" ("order_missing", "order", "created_at");
DROP INDEX "idx_todo_owner_9d4e82";
DROP INDEX "idx_todo_owner_1280fc";
DROP INDEX "idx_todo_owner_completed_order_missing";
DROP INDEX "idx_todo_owner_order_missing";
ALTER TABLE "todo_event" DROP COLUMN "owner";
ALTER TABLE "todo" DROP COLUMN "owner";"""


# The models' state after this migration, for aerich's offline diff.
MODELS_STATE = (
    "eJztWltv4jgU/itWnqjEVhBKYfcNOuyWVQsjmtnLrFaRSdzEIrEziRmKuv3vYzv3hFCYbZ"
    "lA+wbnFvs7zjnHn/KouNRETnA++ooIu6HWNYKm8gt4VAh0Ef+xUd8ECvS8VCsEDM4d6cCo"
    "SXUkzHU7Np4HzIcG4+p76ASIi0wUGD72GKZEOGk2Ag4MGPBogIUQ2JCYyAR0yQAmgHG9jA"
    "kcap2LmCY1eFBMrO9zXxL8ZYl0Ri3ElT4P8s+/XIy51wMK4r/eQr/HyMkjguWepFxna0/K"
    "xoT9Kg3Fyua6QZ2lS1Jjb81sShJrTJiQWoggHzJkZnAhS8eJkIxF4VK5gPlLlKzRTAUmuo"
    "dLR6ArvMMVpDJF1ydTTb8babqulJCPPTJoRiKDEpE1vtZAbt8SS/hJbV/0Lvqdy4s+N5HL"
    "TCS9p/DRKTKho8RnoilPUg8ZDC0kyCmqcebK2A6xVQlv1utlQI4FKcrpkT0czD+raqfTU1"
    "udy373otfr9lsJ3mXVNuCH498E9tyA8jcwfEPDZIjzfb/I5EII5tBYrKBv6iUNVWmVbVnl"
    "qm5RAgm0JJxi32LBUWHReLnYVHCk/NlCs1t1GQBhCzBDbrl2FJXPV4ZHJd2bEiDoG7a+QG"
    "tFmKEHz0dBwB+cbD3aWJTv+Hgq0pgvXP7hgOSi0hU/tcLE8JE4vDpkrxJ+6ZkvEf6wtTIq"
    "e2+2VDLMeLgSrlc29DcDmzgUsOWLPsYS6cIH3UHEYrbAtHu5Bcw/BrOr68Gswa3O8kVwEq"
    "nUUPckX5EYYYO6noMEIuVuRKmDINkMdM6vAPacO74W2onkFeDe1lym0xsR2Q2CL07YbQqt"
    "ZvLpdjiaNdoSfG7Eq2z2jKeIU98MK9KOtSKx/66uH1WD2pzoFykYKZhfkR9sHKUq4cx4HG"
    "6Mah8JnJkeXEL0A9cw7KKKepDzLCBrRq7n8Y9jrMV8g+aUOOvopdqCqza+Hd1pg9uPuYrx"
    "YaCNhEaV0nVB2ihW7SQI+HOsXQPxF3yeTkYSXhowy5dPTO20z2L4UeCSUZ3QlQ7NzDQQS2"
    "PUclnPjEZ7Zj3v+Z71umQ9xiiT9mj1adYz43y59a8ZWuEAaXzy3Zz5vPcJTlu9y/4O0xa3"
    "OstlliuG48lg9nej0+qplZOY9CvMBfFNZd9UJI6Hy4KiHGji7e408XarctBuqa0t03D3rF"
    "7sgKQeZ8jgI59SQRRkTZq7kZO7MQdTggAf6l3M+FEBhg2JhQCjAErSoAlWvtCQmGPk0UjA"
    "AwoGktmQAReaCGBWZh1eMvD/4DLrwrrV4b5+AM6tueVWv+Cb3+dSH9ufYpfZpcdUd5FiD5"
    "Ev/V5MVMbjlFjlt3bBPCJE3+ecHzPn5OrEYXnVupFQJ02r1gzsd1L16Cp0jVjAmiF9vPRP"
    "rVm/9yy/WpZ9SRVUpHnbzbfgeEqj7Nv55GSAfGzYygYuKdI0t1FIMLV5jj6qTkHdPj9765"
    "9UVF5oq4f/6hvtKVAw+12+drxgiZdqD4Qj8xNEt91q7YAut6pEV+qKtyvCImI7j/Dvd9NJ"
    "1cUqcSkOLNhg4D/g4OAYW9oWcAUYuTElxrRxO/irCPfVzXRYnD9EgOGPbmZP3wCQL3qG"
)
