-- Pages that could not be fetched or parsed, by stage and reason; open = not loaded since.
DROP VIEW IF EXISTS newswire.report_rejects_by_reason;
CREATE VIEW newswire.report_rejects_by_reason AS
SELECT stage,
       reason,
       count(*)                                  AS rejects,
       count(*) FILTER (WHERE resolved_at IS NULL) AS still_open,
       max(rejected_at)                          AS latest
FROM newswire.rejects
GROUP BY stage, reason
ORDER BY still_open DESC, rejects DESC, stage, reason;
