-- `/healthz` proves that writes work by updating this one row (issue 15, finding 2).
CREATE TABLE health_heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    beat BIGINT NOT NULL
);
INSERT INTO health_heartbeat (id, beat) VALUES (1, 0);
