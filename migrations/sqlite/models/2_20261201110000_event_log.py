"""Written by hand from aerich's draft: the event log, an outbox that the database itself writes.
Triggers on `todo` add an entry for every row created, deleted or updated to a new version, in the
statement that changes the row; each entry takes the next position from the head's one row, whose
lock is then held until the commit, so positions follow the commits with no gaps."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE IF NOT EXISTS "todo_event_head" (
    "id" INT NOT NULL PRIMARY KEY,
    "position" BIGINT NOT NULL
) /* The last position handed out in the event log. */;
INSERT INTO "todo_event_head" ("id", "position") VALUES (1, 0);
CREATE TABLE IF NOT EXISTS "todo_event" (
    "position" BIGINT NOT NULL PRIMARY KEY,
    "kind" VARCHAR(7) NOT NULL,
    "todo_id" INT NOT NULL,
    "version" INT NOT NULL,
    "title" VARCHAR(256),
    "completed" INT,
    "order" INT,
    "created_at" TIMESTAMP,
    "updated_at" TIMESTAMP,
    "recorded_at" BIGINT NOT NULL
) /* One committed change to a todo, written in the transaction that made it. */;
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
END;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS "todo_event_deleted";
DROP TRIGGER IF EXISTS "todo_event_updated";
DROP TRIGGER IF EXISTS "todo_event_created";
DROP TABLE IF EXISTS "todo_event";
DROP TABLE IF EXISTS "todo_event_head";"""


# The models' state after this migration, for aerich's offline diff.
MODELS_STATE = (
    "eJztmm1z4jYQgP+Kxp+4GZohJgTab5DjGjoJ3BD37Todj7AV24Mt+WxxCZPmv3cl/G5M4E"
    "qoIfkW9kVIz9qr3SVPisdM4oZnw2+E8htmXRNsKj+hJ4Vij8Afa/VNpGDfT7VCwPHMlQ6c"
    "mUwnwly3Y+NZyANscFDfYzckIDJJaASOzx1GhZNmE+TikCOfhY4QIhtTk5iILThyKOKgl2"
    "sil1lnYk2TGbCoQ63vc19Q5+uC6JxZBJQBLPLX3yB2wOuRhPFHf67fO8TNE3HkmaRc50tf"
    "ykaUf5KGYmcz3WDuwqOpsb/kNqOJtUO5kFqEkgBzYma40IXrRiRj0WqrIODBgiR7NFOBSe"
    "7xwhV0hfdqB6lM0fXxRNPvhpquKyXysUeGZiQyGBVRg72G8viW2MIP6vlF96LXvrzogYnc"
    "ZiLpPq++OiWzcpR8xpryLPWY45WFhJxSjSNXZjtwrEq8Wa/9QI4FKeX0kT0c5h9Vtd3uqq"
    "32Za9z0e12eq2Ed1m1Cfxg9LNgDwYM3sDVG7oKhni+7+eZWAjBDBvzBxyYeknDVFZlW1Z5"
    "qleUYIotiVOcW2w4SiwapIt1CUfKX0w022WXPhK2yOHEK+eOovLlzPCkpGdTQoIDw9bnZK"
    "kIM/LoByQM4YuTo0cHi+IdP56KNIaNyw8AJLeqERDxzOqY73PVhW/uY9XDZsYoyb3ZxMgd"
    "DsuVuF7ZOFgPNnEosIVNH2NC9PCj7hJqcVsw7VxugPlbf3p13Z82wOpDPuWNI5W60j3LNy"
    "MmbDDPd4kgUr57GHMJputB5/wKsGfg+Fq0E8kr4N50lUwmN2JlLwy/uqu7pXCxjH+9HQyn"
    "jXMJH4wgp2af8ZQ4C0wS7JArEvvvuuOjbFCbJ3ovCSOF+Y0E4drCqRJnxuNwRdP5keDMXL"
    "0loh9Bwx2PVOSDnGeBrBm5nsV/HGMuhgOaE+ouo5dqA1dtdDu80/q3n3MZ42NfGwqNKqXL"
    "grRRzNrJIuj3kXaNxEf0ZTIeSrws5FYgvzG1076ImkfBC850yh50bGaqgVgaU8tFPVMa7R"
    "j1vOd71OsS9ZhRJuzR7tOoZ4r3UtQ/MdckpgZ17/q4531PsNbqXva2qLXA6kMurqAYjMb9"
    "6Z+NdqurVtZh0q9WXagccU2JAcWGUtGQZk2a2w3BtutQJ5QgKCc9h8PDggwbU4tAX4qwbE"
    "6b6CEQGhrPsmA1GsKCYtLFbcyRh00CLWy5u93nwv9hZlaX6U4dOsUDzHaaG/rJORx+l3Yy"
    "tj/FDLdNfqvOYMU+Ur70O81AMh6nNL18a63NERE98DSpbq33SQ+Tagb7fZR0dNmhRrOPmp"
    "E+3qa31rOO9yi/WpQD2aZWhHlT11VwPKUy6u38rN4ngWPYypo5RqRpbhpf4NTmpdFFdQjq"
    "9i82b/2H5Mpmqrr4r+6mTqH9Vzudrer/zob6v1Os/8VLtQPhyPwE6Z63WlvQBatKulJX7K"
    "4oj4aqecK/3E3GVY1V4lIsWByDo3+Q64THeKVtgCtg5MqUmGnjtv9HEffVzWRQrD/EAoP/"
    "+zJ7/hdXjYG3"
)
