-- Conditional GET for feeds: the ETag and Last-Modified a feed last answered with, kept
-- between runs so the next poll can send If-None-Match / If-Modified-Since and get a 304.
CREATE TABLE newswire.http_validators (
    url           text PRIMARY KEY,
    etag          text,
    last_modified text,
    checked_at    timestamptz NOT NULL DEFAULT now()
);
